"""Bank-specific facts from ``bank.yml``, flattened into response placeholders.

A bank adopts Candor by editing one file: responses say ``{bank_phone}`` instead of a number.
Nested keys are joined with ``_`` (``fees: {wire: $15}`` -> ``{bank_fees_wire}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.errors import CandorError, Errors
from bot.settings import load_settings

PREFIX = "bank"


def flatten(facts: Mapping[str, Any], prefix: str = PREFIX) -> dict[str, str]:
    """``{"fees": {"wire": "$15"}}`` -> ``{"bank_fees_wire": "$15"}``; scalars become text."""
    flat: dict[str, str] = {}
    for key, value in facts.items():
        name = f"{prefix}_{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name))
        elif isinstance(value, list):
            flat[name] = ", ".join(str(item) for item in value)
        else:
            flat[name] = str(value)
    return flat


def bank_file() -> Path:
    """``$CANDOR_BANK_FILE`` or ``bank.yml`` at the project root."""
    return load_settings().bank_file


@lru_cache(maxsize=4)
def load_bank_facts(path: Path | None = None) -> dict[str, str]:
    """Read and flatten the bank facts file; a broken file is an error, never an empty dict."""
    path = path or bank_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise CandorError(Errors.E011.format(path=path, problem=err)) from err
    if not isinstance(data, Mapping):
        raise CandorError(Errors.E011.format(path=path, problem="expected a mapping of facts"))
    return flatten(data)
