"""How well each rule is covered by tests: counted from the test sources, not declared.

A test case covers a rule when the rule id appears as a string literal in a test module
(``("complaint", "I want to lodge ...", True)``), so adding a case raises the count without
anyone keeping a list up to date.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path


def test_references(rule_ids: Iterable[str], tests_dir: Path) -> Counter[str]:
    """Number of quoted occurrences of each rule id across ``tests_dir/**/test_*.py``."""
    ids = list(rule_ids)
    alternatives = "|".join(re.escape(i) for i in ids)
    pattern = re.compile(rf"""["']({alternatives})["']""")
    counts: Counter[str] = Counter({rule_id: 0 for rule_id in ids})
    for path in sorted(tests_dir.rglob("test_*.py")):
        counts.update(pattern.findall(path.read_text(encoding="utf-8")))
    return counts
