"""Pure helpers of the Studio pages: what a customer sees, where a response is used, diffs.

No database here; :mod:`bot.web.studio_responses` does the requests.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.compliance.evaluation import rules_for_response
from bot.compliance.rulebook import load_rulebook
from bot.nlg.bank_facts import load_bank_facts
from bot.nlg.baseline import PLACEHOLDER, Baseline
from bot.paths import PROJECT_ROOT

#: Files searched for "where used" (training data, custom actions, the rulebook).
USE_SITES = ("data", "actions", "compliance.yml", "domain.yml")


@dataclass(frozen=True)
class Piece:
    """A piece of a word diff: ``same``, ``removed`` or ``added`` text."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """Word-level diff of ``old`` (live) and ``new`` (proposed)."""
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


@lru_cache(maxsize=1)
def _facts() -> dict[str, str]:
    try:
        return load_bank_facts()
    except Exception:  # noqa: BLE001 - the page then shows the placeholders themselves
        return {}


def fill(text: str) -> str:
    """Bank facts filled in; slot placeholders stay as ``{name}`` (known only in a chat)."""
    facts = _facts()
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


def disclaimers(response: str, baselines: dict[str, Baseline]) -> list[str]:
    """The disclaimer texts the rulebook appends to ``response``, whatever the variant."""
    try:
        rules = rules_for_response(load_rulebook(), response)
    except Exception:  # noqa: BLE001 - shown as "none" rather than failing the page
        return []
    names = [r.enforcement.disclaimer for r in rules if r.enforcement.disclaimer]
    return [fill(baselines[n].text) for n in names if n in baselines]


def customer_view(text: str, response: str, baselines: dict[str, Baseline]) -> list[str]:
    """The paragraphs a customer is shown: the text, then its disclaimers."""
    return [fill(text), *disclaimers(response, baselines)]


@lru_cache(maxsize=1)
def _sources(root: Path = PROJECT_ROOT) -> dict[str, str]:
    files: list[Path] = []
    for site in USE_SITES:
        path = root / site
        files += sorted(path.rglob("*.y*ml")) + sorted(path.rglob("*.py")) if path.is_dir() \
            else [path]
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in files if p.is_file()}


def where_used(response: str) -> list[str]:
    """Files naming ``response`` (FAQ answers: the retrieval intent's training data)."""
    needles = {response}
    if response.startswith("utter_faq/"):
        needles.add("faq/" + response.split("/", 1)[1])
    used = [path for path, text in _sources().items()
            if path != "domain.yml" and any(n in text for n in needles)]
    if response.startswith("utter_ask_"):
        used.append("a form asks for its slot with it (domain.yml forms)")
    return used
