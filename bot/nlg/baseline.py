"""The approved baseline: every customer-facing response as ``domain.yml`` and ``data/`` define it.

Studio lists these, checks proposals against them and marks versions stale when they change.
The Rasa server sees the same responses merged into its domain; :func:`baseline_hash` hashes a
response's texts the same way on both sides, so a version approved against one wording is
recognised as stale in every process once the file changes.

A proposal is plain text: it may use only the placeholders its response already uses (they are
what the NLG knows how to fill for it) and no markup. Disclaimers are never part of it; the NLG
attaches them by rule whatever the variant.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CandorError, Errors
from bot.paths import PROJECT_ROOT

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: HTML tags, Markdown links/emphasis/code, and braces that are not a placeholder.
MARKUP = re.compile(r"<[^>]*>|\]\(|\*\*|__|`|\{(?![A-Za-z_][A-Za-z0-9_]*\})|(?<![A-Za-z0-9_])\}")
MAX_CHARS = 1000


@dataclass(frozen=True)
class Baseline:
    """One response of the domain: its texts (Rasa variations), placeholders and hash."""

    name: str
    texts: tuple[str, ...]

    @property
    def text(self) -> str:
        """The first variation: what the page shows as the live baseline."""
        return self.texts[0]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(key for text in self.texts for key in PLACEHOLDER.findall(text))

    @property
    def hash(self) -> str:
        return baseline_hash(self.texts)


def baseline_hash(texts: Sequence[str]) -> str:
    """SHA-256 of a response's texts in order (what a version is approved against)."""
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()


def texts_of(variations: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The non-empty ``text`` of each variation of a response."""
    return tuple(str(v["text"]) for v in variations if isinstance(v, Mapping) and v.get("text"))


def _responses_in(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise CandorError(Errors.E011.format(path=path, problem=err)) from err
    responses = content.get("responses") if isinstance(content, dict) else None
    return {name: texts_of(v) for name, v in (responses or {}).items() if isinstance(v, list)}


@lru_cache(maxsize=4)
def load_baselines(root: Path = PROJECT_ROOT) -> dict[str, Baseline]:
    """Every response with text in ``domain.yml`` and ``data/**/*.yml``, by name."""
    found: dict[str, tuple[str, ...]] = dict(_responses_in(root / "domain.yml"))
    for path in sorted((root / "data").rglob("*.yml")):
        found.update(_responses_in(path))
    return {name: Baseline(name, texts) for name, texts in sorted(found.items()) if texts}


def check_proposal(text: str, baseline: Baseline) -> str:
    """The proposal's text, stripped; E851 (empty/long), E852 (markup), E853 (placeholder)."""
    text = text.strip().replace("\r\n", "\n")
    if not text or len(text) > MAX_CHARS:
        raise CandorError(Errors.E851.format(limit=MAX_CHARS))
    markup = MARKUP.search(text)
    if markup:
        raise CandorError(Errors.E852.format(found=markup.group(0)[:20]))
    unknown = sorted(set(PLACEHOLDER.findall(text)) - baseline.placeholders)
    if unknown:
        allowed = ", ".join(f"{{{p}}}" for p in sorted(baseline.placeholders)) or "none"
        raise CandorError(Errors.E853.format(
            placeholders=", ".join(f"{{{p}}}" for p in unknown), response=baseline.name,
            allowed=allowed))
    return text
