"""Install-time ONNX export of the sentence encoders: ``python -m bot.nlu.encoder_onnx export``.

The run-time ONNX backend (:class:`bot.nlu.encoders.OnnxEncoder`) needs only ``onnxruntime``.
Producing the graphs needs torch, transformers and onnx, whose protobuf and numpy pins clash
with Rasa's (protobuf 4.23.3, numpy<1.25), so ``make install`` runs this module, which:

1. decides, per encoder, whether its export is current: the stamp file
   (:data:`~bot.nlu.encoders.ONNX_STAMP`) next to the ``.onnx`` files holds a hash of the
   weights, the export requirements and the worker script; nothing to do -> no venv, seconds;
2. otherwise creates a THROW-AWAY virtualenv with Python 3.11 (torch's CPU build is available
   for it as one ~200 MB file; for 3.10, pip would pull a multi-GB CUDA build) and installs
   ``requirements/onnx-export.txt`` into it;
3. runs :mod:`bot.nlu.onnx_export_worker` there by path, which writes ``model.onnx`` and
   ``model.int8.onnx`` into a staging folder and checks both against PyTorch;
4. moves the files next to the weights (``.venv/share/candor/encoders/<model>/``), writes the
   stamp last, and deletes the virtualenv.

Like :mod:`bot.nlu.encoder_weights`, an exclusive lock per model folder makes concurrent runs
safe, and a reader never sees a stamp beside half-written files.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import CandorError
from bot.nlu.encoders import BACKENDS, ENCODERS, ONNX_FILES, ONNX_STAMP, ONNX_THREADS
from bot.settings import OFFLINE_ENV, process_env

logger = logging.getLogger(__name__)

EXPORT_REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements" / "onnx-export.txt"
WORKER = Path(__file__).with_name("onnx_export_worker.py")
EXPORT_PYTHON = (3, 11)
MODELS = ("minilm", "mpnet")

# (weights folder, staging folder) -> None; writes the ONNX_FILES into the staging folder.
Worker = Callable[[Path, Path], None]


@dataclass(frozen=True)
class ExportJob:
    """One encoder to export: where its weights are and where its ONNX files go."""

    name: str
    weights: Path
    out: Path

    def stamp(self, requirements: Path = EXPORT_REQUIREMENTS, worker: Path | None = None) -> str:
        """What the export is made from: weights, config, tokenizer, pins and worker code."""
        digest = hashlib.sha256()
        for path in (
            self.weights / "model.safetensors",
            self.weights / "config.json",
            self.weights / "tokenizer.json",
            requirements,
            worker or WORKER,
        ):
            digest.update(path.name.encode() + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(16 * 1024 * 1024), b""):
                    digest.update(block)
        return digest.hexdigest()

    def is_current(self, stamp: str) -> bool:
        """True when every ONNX file is there and the stamp says it came from ``stamp``."""
        marker = self.out / ONNX_STAMP
        return (
            marker.is_file()
            and marker.read_text() == stamp
            and all((self.out / f).is_file() for f in ONNX_FILES.values())
        )


def export_job(name: str) -> ExportJob:
    """The job for the registered encoder ``name`` (its weights must be installed)."""
    spec = ENCODERS[name]
    if spec.onnx_home is None:
        raise CandorError(f"The {name} sentence encoder has no ONNX export location.")
    return ExportJob(name, spec.model_dir(), spec.onnx_home)


def write_export(job: ExportJob, stamp: str, worker: Worker) -> bool:
    """Run ``worker`` for ``job`` unless its export is current; True if it ran.

    Files go to a staging folder beside the target, then each is renamed into place and the
    stamp is written last, all under an exclusive lock: concurrent installs export once, a
    failed export leaves the previous files and no new stamp, and readers that check the stamp
    (:meth:`bot.nlu.encoders.EncoderSpec.onnx_file`) never load a half-written pair.
    """
    job.out.mkdir(parents=True, exist_ok=True)
    with open(job.out.parent / f".{job.out.name}.onnx.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if job.is_current(stamp):
            return False
        with tempfile.TemporaryDirectory(dir=job.out.parent, prefix=f".{job.out.name}.") as tmp:
            staging = Path(tmp)
            worker(job.weights, staging)
            missing = [f for f in ONNX_FILES.values() if not (staging / f).is_file()]
            if missing:
                raise CandorError(f"the {job.name} ONNX export did not write {missing}")
            (job.out / ONNX_STAMP).unlink(missing_ok=True)
            for name in ONNX_FILES.values():
                os.replace(staging / name, job.out / name)
            (staging / ONNX_STAMP).write_text(stamp)
            os.replace(staging / ONNX_STAMP, job.out / ONNX_STAMP)
    return True


def find_export_python() -> Path:
    """A Python 3.11 that runs: ``python3.11`` on PATH, else pyenv's newest 3.11."""
    candidates: list[Path] = []
    on_path = shutil.which("python3.11")
    if on_path:
        candidates.append(Path(on_path))
    pyenv_root = Path(process_env().get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted((pyenv_root / "versions").glob("3.11.*/bin/python3.11"), reverse=True)
    wanted = ".".join(map(str, EXPORT_PYTHON))
    for python in candidates:
        probe = subprocess.run(
            [str(python), "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == wanted:
            return python
    raise CandorError(
        f"The ONNX export of the sentence encoders needs Python {wanted} (torch's CPU build), "
        f"found none. Install it (`pyenv install {wanted}`) or pass `--python`, or serve the "
        "TensorFlow backend (`minilm@tf`, `mpnet@tf` in config.yml)."
    )


@contextlib.contextmanager
def export_environment(python: Path, requirements: Path = EXPORT_REQUIREMENTS) -> Iterator[Worker]:
    """A throw-away virtualenv with the export requirements; yields a worker that runs in it."""
    with tempfile.TemporaryDirectory(prefix="candor-onnx-export-") as tmp:
        venv = Path(tmp) / "venv"
        logger.info(f"creating a throw-away export virtualenv with {python}")
        subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
        venv_python = venv / "bin" / "python"
        logger.info("installing the export tools (torch CPU, transformers, onnx): a few minutes")
        subprocess.run(
            [str(venv_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--progress-bar", "off", "--only-binary", ":all:", "-r", str(requirements)],
            check=True,
        )

        def worker(weights: Path, out: Path) -> None:
            env = {**process_env(), **OFFLINE_ENV, "PYTHONNOUSERSITE": "1"}
            env.pop("PYTHONPATH", None)
            result = subprocess.run(
                [str(venv_python), str(WORKER), "--weights", str(weights), "--out", str(out)],
                check=True, env=env, capture_output=True, text=True,
            )
            logger.info(f"exported {weights.name}: {result.stdout.strip().splitlines()[-1]}")

        yield worker
    logger.info("removed the export virtualenv")


def export(
    names: Sequence[str] = MODELS,
    python: Path | None = None,
    requirements: Path = EXPORT_REQUIREMENTS,
    worker: Worker | None = None,
) -> list[ExportJob]:
    """Export every encoder in ``names`` whose ONNX files are missing or stale; return those.

    ``worker`` replaces the virtualenv-backed worker (tests); without one, the virtualenv is
    created only when something is stale.
    """
    jobs = [export_job(name) for name in names]
    stale = [(job, stamp) for job in jobs if not job.is_current(stamp := job.stamp(requirements))]
    if not stale:
        return []
    with contextlib.ExitStack() as stack:
        if worker is None:
            worker = stack.enter_context(
                export_environment(python or find_export_python(), requirements)
            )
        done = [job for job, stamp in stale if write_export(job, stamp, worker)]
    return done


def compare(
    texts: Sequence[str], names: Sequence[str] = MODELS, backends: Sequence[str] = BACKENDS
) -> dict[str, Any]:
    """Per model and backend: batch-1 latency of one message and agreement with TensorFlow.

    Latency is the whole :meth:`~bot.nlu.encoders.SentenceEncoder.encode` call for one text
    (tokenise, run, pool), wall and process CPU time, every backend on ONE thread: TensorFlow's pools are set to one
    thread before it starts, ONNX Runtime's sessions use :data:`ONNX_THREADS` (1). Agreement
    is the cosine of each text's sentence vector with the TensorFlow one, and the largest
    absolute difference of the word-piece vectors.
    """
    import time

    import numpy as np

    from bot.nlu.encoders import load_encoder

    if "tf" in backends:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    result: dict[str, Any] = {}
    for name in names:
        per_backend: dict[str, Any] = {}
        reference: list[Any] | None = None
        for backend in backends:
            encoder = load_encoder(f"{name}@{backend}")
            for text in texts[:10]:  # warm-up: first calls build kernels and caches
                encoder.encode([text])
            encodings, millis, cpu_millis = [], [], []
            for text in texts:
                start, cpu_start = time.perf_counter(), time.process_time()
                encodings.extend(encoder.encode([text]))
                millis.append((time.perf_counter() - start) * 1000)
                cpu_millis.append((time.process_time() - cpu_start) * 1000)
            row: dict[str, Any] = {
                "ms_p50": round(float(np.percentile(millis, 50)), 2),
                "ms_p90": round(float(np.percentile(millis, 90)), 2),
                "ms_mean": round(float(np.mean(millis)), 2),
                # CPU time of the whole process (every thread): what a message costs the machine,
                # and far less sensitive than wall time to other processes on shared cores.
                "cpu_ms_p50": round(float(np.percentile(cpu_millis, 50)), 2),
                "cpu_ms_mean": round(float(np.mean(cpu_millis)), 2),
            }
            if reference is None:
                reference = encodings
            else:
                pairs = list(zip(encodings, reference, strict=True))
                cosine = np.array([a.sentence @ b.sentence for a, b in pairs])
                piece_diff = max(float(np.abs(a.pieces - b.pieces).max()) for a, b in pairs)
                row.update(
                    vs=f"{name}@{backends[0]}",
                    cosine_mean=round(float(cosine.mean()), 6),
                    cosine_min=round(float(cosine.min()), 6),
                    cosine_p1=round(float(np.percentile(cosine, 1)), 6),
                    pieces_max_abs_diff=float(f"{piece_diff:.3g}"),
                )
            per_backend[backend] = row
            logger.info(f"{name}@{backend}: {row}")
        result[name] = per_backend
    return result


def _sample_texts(csv_path: Path, n: int) -> list[str]:
    """``n`` rows spread evenly over the CSV's ``text`` column (same rows every run)."""
    import csv

    with csv_path.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.nlu.encoder_onnx export``: the install-time step ``make install`` runs.

    ``compare --texts CSV --out JSON``: latency and TF agreement of every backend (bench only).
    """
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bot.nlu.encoder_onnx")
    parser.add_argument("command", choices=["export", "compare"])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated encoders")
    parser.add_argument("--python", type=Path, help="Python 3.11 for the export virtualenv")
    parser.add_argument("--requirements", type=Path, default=EXPORT_REQUIREMENTS)
    parser.add_argument("--texts", type=Path, help="compare: CSV with a text column")
    parser.add_argument("--n", type=int, default=500, help="compare: how many texts")
    parser.add_argument("--out", type=Path, help="compare: JSON to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    if args.command == "compare":
        if args.texts is None or args.out is None:
            parser.error("compare needs --texts and --out")
        texts = _sample_texts(args.texts, args.n)
        report = {"texts": str(args.texts), "n": len(texts), "threads": ONNX_THREADS,
                  "command": " ".join(["python -m bot.nlu.encoder_onnx", *(argv or sys.argv[1:])]),
                  "models": compare(texts, names)}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
        print(json.dumps(report["models"], indent=2))
        return 0
    try:
        done = export(names, args.python, args.requirements)
    except subprocess.CalledProcessError as exc:
        print(f"ONNX export failed: {exc}\n{exc.stderr or ''}", file=sys.stderr)
        return 1
    for name in names:
        state = "exported" if any(j.name == name for j in done) else "up to date"
        print(f"{name} ONNX encoder {state}: {ENCODERS[name].onnx_home}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
