"""The labelled example sets' frozen split and sample shapes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.compliance.labelled_examples import half_of, load_samples, select, turns_of


def test_split_is_the_parity_of_the_first_sha256_byte() -> None:
    ids = [f"x{i}" for i in range(40)]
    for item in ids:
        odd = hashlib.sha256(item.encode()).digest()[0] % 2 == 1
        assert half_of(item) == ("test" if odd else "tune")
    samples = [{"id": i} for i in ids]
    test, tune = select(samples, "test"), select(samples, "tune")
    assert test and tune and len(test) + len(tune) == len(ids)
    assert not {s["id"] for s in test} & {s["id"] for s in tune}
    assert select(samples, "all") == samples


def test_turns_of_both_sample_shapes() -> None:
    assert turns_of({"turns": ["a", "b"]}) == ["a", "b"]
    assert turns_of({"text": "a"}) == ["a"]


def test_load_samples_reads_one_half(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text("".join(f'- {{id: "x{i}", text: "t{i}", rules: []}}\n' for i in range(20)))
    tune = load_samples(path, "tune")
    assert [s["id"] for s in tune] == [f"x{i}" for i in range(20) if half_of(f"x{i}") == "tune"]
    assert len(load_samples(path)) == 20
    empty = tmp_path / "empty.yml"
    empty.write_text("")
    assert load_samples(empty) == []
