from __future__ import annotations

from pathlib import Path

from bot.bench.rule_coverage import test_references as count_references


def test_quoted_rule_ids_in_test_modules_are_counted(tmp_path: Path) -> None:
    (tmp_path / "test_a.py").write_text('CASES = [("complaint", "x", True), ("complaint", "y", False)]')
    (tmp_path / "helper.py").write_text('"complaint"')  # not a test module
    (tmp_path / "test_b.py").write_text("# complaint mentioned in prose does not count\n'pii-redaction'")
    counts = count_references(["complaint", "pii-redaction", "ai-disclosure"], tmp_path)
    assert counts == {"complaint": 2, "pii-redaction": 1, "ai-disclosure": 0}
