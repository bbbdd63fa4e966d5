"""The encoders' backend switch, the install-time ONNX export's stamp logic, TF-vs-ONNX agreement."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.shared.exceptions import InvalidConfigException

from bot.errors import CandorError
from bot.nlu import encoder_onnx
from bot.nlu.encoder_featurizer import EncoderFeaturizer
from bot.nlu.encoder_onnx import ExportJob, write_export
from bot.nlu.encoders import (
    BACKENDS,
    DEFAULT_BACKEND,
    ENCODERS,
    ONNX_FILES,
    ONNX_STAMP,
    EncoderSpec,
    OnnxEncoder,
    TransformerEncoder,
    encoder_spec,
    load_encoder,
)
from bot.nlu.onnx_export_worker import MIN_INT8_COSINE
from bot.settings import ci

SENTENCES = [
    "I lost my card",
    "my card was stolen, please block it",
    "what's the exchange rate if I send 500 EUR to the UK?",
    "hi",
]


def _onnx_ready(family: str) -> bool:
    try:
        for backend in ONNX_FILES:
            ENCODERS[f"{family}@{backend}"].onnx_file()
    except CandorError:
        return False
    return True


def _require_onnx(family: str) -> None:
    """Skip without the exported files, except under CI, where `make install` makes them."""
    if not _onnx_ready(family):
        reason = f"no ONNX export of {family}: run `python -m bot.nlu.encoder_onnx export`"
        if ci():
            pytest.fail(reason)
        pytest.skip(reason)


# --- the backend switch -------------------------------------------------------------------


def test_every_model_is_registered_under_every_backend() -> None:
    """A bare name means the default backend; ``name@backend`` picks one explicitly."""
    for family in ("minilm", "mpnet"):
        assert encoder_spec(family).backend == DEFAULT_BACKEND
        for backend in BACKENDS:
            spec = encoder_spec(f"{family}@{backend}")
            assert (spec.family, spec.backend, spec.dim) == (
                family, backend, ENCODERS[family].dim
            )


def test_config_and_registry_reject_an_unknown_backend() -> None:
    """A typo in the backend fails at config validation and names the choices."""
    EncoderFeaturizer.validate_config({"encoder": "mpnet@tf"})
    with pytest.raises(InvalidConfigException, match="minilm@onnx-int8"):
        EncoderFeaturizer.validate_config({"encoder": "minilm@gpu"})
    with pytest.raises(CandorError, match="choose one of"):
        encoder_spec("minilm@gpu")


def test_a_missing_onnx_export_names_the_install_command(tmp_path: Path) -> None:
    """An ONNX backend without its files (or before the stamp is written) says what to run."""
    spec = EncoderSpec("tiny", 8, "pip install tiny", lambda: tmp_path, onnx_home=tmp_path,
                       backend="onnx-int8")
    with pytest.raises(CandorError, match="ONNX export is missing.*make install.*tiny@tf"):
        spec.onnx_file()
    (tmp_path / "model.int8.onnx").write_bytes(b"half written")
    with pytest.raises(CandorError, match="ONNX export is missing"):
        spec.onnx_file()  # no stamp yet: the export has not finished
    (tmp_path / ONNX_STAMP).write_text("x")
    assert spec.onnx_file() == tmp_path / "model.int8.onnx"


def test_load_encoder_picks_the_backend_and_shares_one_copy() -> None:
    """The backend decides the class; the default-backend name and its spelt-out name share."""
    assert isinstance(load_encoder("minilm@tf"), TransformerEncoder)
    _require_onnx("minilm")
    assert isinstance(load_encoder("minilm@onnx-int8"), OnnxEncoder)
    assert isinstance(load_encoder("minilm@onnx"), OnnxEncoder)
    assert load_encoder("minilm") is load_encoder(f"minilm@{DEFAULT_BACKEND}")


# --- the install-time export: stamp and idempotence ---------------------------------------


@pytest.fixture
def job(tmp_path: Path) -> ExportJob:
    weights = tmp_path / "weights"
    weights.mkdir()
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        (weights / name).write_text(name)
    return ExportJob("tiny", weights, tmp_path / "encoders" / "tiny")


@pytest.fixture
def pins(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "req.txt").write_text("torch==2.13.0\n")
    (tmp_path / "worker.py").write_text("print('export')\n")
    return tmp_path / "req.txt", tmp_path / "worker.py"


class FakeWorker:
    """Writes the ONNX files (or some of them, or fails) and counts its runs."""

    def __init__(self, files: tuple[str, ...] = tuple(ONNX_FILES.values()),
                 fail: bool = False) -> None:
        self.files, self.fail, self.runs = files, fail, 0

    def __call__(self, weights: Path, out: Path) -> None:
        self.runs += 1
        if self.fail:
            raise RuntimeError("export crashed")
        for name in self.files:
            (out / name).write_text(f"run {self.runs}")


def test_export_runs_once_then_is_idempotent(job: ExportJob, pins: tuple[Path, Path]) -> None:
    """Same weights, pins and worker: the second install does nothing."""
    stamp = job.stamp(*pins)
    worker = FakeWorker()
    assert write_export(job, stamp, worker) is True
    assert write_export(job, stamp, worker) is False
    assert worker.runs == 1 and job.is_current(stamp)
    assert (job.out / ONNX_STAMP).read_text() == stamp
    assert not [p for p in job.out.parent.iterdir() if p.name.startswith(".tiny.")
                and p.is_dir()], "the staging folder is removed"


@pytest.mark.parametrize("change", ["model.safetensors", "config.json", "requirements", "worker"])
def test_a_changed_input_re_exports(job: ExportJob, pins: tuple[Path, Path], change: str) -> None:
    """New weights, tokenizer/config, export pins or worker code: the stamp differs, re-export."""
    worker = FakeWorker()
    write_export(job, job.stamp(*pins), worker)
    target = {"requirements": pins[0], "worker": pins[1]}.get(change, job.weights / change)
    target.write_text(target.read_text() + "changed")
    new_stamp = job.stamp(*pins)
    assert not job.is_current(new_stamp)
    assert write_export(job, new_stamp, worker) is True and worker.runs == 2
    assert (job.out / "model.int8.onnx").read_text() == "run 2"


def test_a_missing_file_means_not_current(job: ExportJob, pins: tuple[Path, Path]) -> None:
    """A deleted model.onnx is re-exported even though the stamp matches."""
    stamp = job.stamp(*pins)
    write_export(job, stamp, FakeWorker())
    (job.out / "model.onnx").unlink()
    assert not job.is_current(stamp)


@pytest.mark.parametrize("broken", [FakeWorker(fail=True), FakeWorker(files=("model.onnx",))])
def test_a_failed_export_keeps_the_previous_one(
    job: ExportJob, pins: tuple[Path, Path], broken: FakeWorker
) -> None:
    """A crash or an incomplete export raises and leaves the last good files and stamp."""
    old = job.stamp(*pins)
    write_export(job, old, FakeWorker())
    pins[0].write_text("torch==9\n")
    with pytest.raises((RuntimeError, CandorError)):
        write_export(job, job.stamp(*pins), broken)
    assert job.is_current(old)
    assert (job.out / "model.int8.onnx").read_text() == "run 1"


def test_an_up_to_date_install_creates_no_virtualenv(
    job: ExportJob, pins: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make install` on a current export costs a hash, not a venv and a torch install."""
    monkeypatch.setattr(encoder_onnx, "WORKER", pins[1])
    write_export(job, job.stamp(*pins), FakeWorker())
    monkeypatch.setattr(encoder_onnx, "export_job", lambda name: job)

    def no_venv(*args: object) -> None:
        raise AssertionError("a virtualenv was created")

    monkeypatch.setattr(encoder_onnx, "export_environment", no_venv)
    monkeypatch.setattr(encoder_onnx, "find_export_python", no_venv)
    assert encoder_onnx.export(["tiny"], requirements=pins[0]) == []


# --- the exported graphs agree with TensorFlow --------------------------------------------


@pytest.mark.parametrize("family", ["minilm", "mpnet"])
def test_onnx_agrees_with_tensorflow(family: str) -> None:
    """Same pieces and offsets; fp32 is the same function, int8 stays close."""
    _require_onnx(family)
    tf_enc = load_encoder(f"{family}@tf").encode(SENTENCES)
    for backend, min_cosine in (("onnx", 0.999), ("onnx-int8", MIN_INT8_COSINE)):
        got = load_encoder(f"{family}@{backend}").encode(SENTENCES)
        for a, b in zip(got, tf_enc, strict=True):
            assert a.pieces.shape == b.pieces.shape
            assert np.array_equal(a.offsets, b.offsets)
            assert float(a.sentence @ b.sentence) > min_cosine, (backend, float(a.sentence @ b.sentence))
            assert np.linalg.norm(a.sentence) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("family", ["minilm", "mpnet"])
def test_the_piece_tokenizer_matches_transformers(family: str) -> None:
    """Tokenising with ``tokenizers`` alone gives the ids transformers' fast tokenizer gives."""
    from transformers import AutoTokenizer

    from bot.nlu.encoders import PieceTokenizer

    path = ENCODERS[family].model_dir()
    reference = AutoTokenizer.from_pretrained(str(path), local_files_only=True)(
        SENTENCES, padding=True, truncation=True, max_length=128, return_tensors="np"
    )
    ours = PieceTokenizer(path)(SENTENCES)
    assert np.array_equal(ours.input_ids, reference["input_ids"])
    assert np.array_equal(ours.attention_mask, reference["attention_mask"])


def test_int8_vectors_do_not_depend_on_batch_mates() -> None:
    """Training encodes in batches, serving one message: both must see the same features."""
    _require_onnx("minilm")
    encoder = load_encoder("minilm@onnx-int8")
    batched = encoder.encode(SENTENCES, batch_size=32)
    for text, encoding in zip(SENTENCES, batched, strict=True):
        alone = encoder.encode([text])[0]
        assert np.array_equal(alone.sentence, encoding.sentence)
