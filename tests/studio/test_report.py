"""``candor studio report`` writes the page's figures offline (CSV and HTML)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.cli import main
from tests.web.console_app import console_db
from tests.web.console_seed import seed


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    console = console_db(tmp_path, {})
    seed(console.db, extra_faqs=2)
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", console.url)
    return tmp_path


def test_the_csv_has_one_row_per_flow_and_the_funnel(seeded: Path) -> None:
    out = seeded / "report.csv"
    assert main(["studio", "report", "--since", "2026-09-01", "--out", str(out)]) == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    table = {r[0]: r for r in rows[1:] if r and r[0] and not r[0].startswith(("funnel", "day"))}
    assert table["all flows"][1] == "8"  # 5 kinds + the <script> one + 2 extra FAQs
    assert table["topic:card_pin"][1] == "2"
    assert ["conversations", "8"] in rows


def test_the_html_report_has_charts_tables_and_no_script(seeded: Path) -> None:
    out = seeded / "report.html"
    assert main(["studio", "report", "--since", "2026-09-01", "--out", str(out)]) == 0
    html = out.read_text()
    assert "<svg" in html and "topic:card_pin" in html and "<script" not in html.replace(
        "&lt;script", "")


def test_a_wrong_output_type_is_refused_with_a_code(
        seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studio", "report", "--since", "2026-09-01", "--out",
                 str(seeded / "r.pdf")]) == 2
    assert capsys.readouterr().err.startswith("E864")
