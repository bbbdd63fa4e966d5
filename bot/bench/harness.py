"""What every NLU benchmark shares.

An isolated Rasa environment, an NLU-only config, training through Rasa's own ``train_nlu``,
and a description of the machine for the report.

``candor bench nlu``, ``nlu cv`` and ``nlu encoders`` (and the product-accuracy test) use these,
so each benchmark module imports this one and none imports another.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path
from typing import Any

from bot.settings import OFFLINE_ENV, export


def isolate_environment(work: Path) -> None:
    """Fresh Rasa cache (no cached featurization flattering train time), offline, no telemetry."""
    export({"RASA_CACHE_DIRECTORY": str(work / "cache")})
    export({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", **OFFLINE_ENV},
           overwrite=False)
    quiet_rasa_logs()


def quiet_rasa_logs() -> None:
    """Rasa's logging at INFO, not its DEBUG default.

    Otherwise the parse loop prints every benchmark sentence
    (``processor.message.parse ... parse_data_text=...``).
    """
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)


def load_agent(model: Path) -> Any:
    """A trained model's Rasa ``Agent`` for parsing benchmark messages, quietly."""
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    return Agent.load(str(model))


def bench_config(path: Path, work: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Copy the config's recipe, language and pipeline, without policies (NLU-only)."""
    from rasa.shared.utils.io import read_yaml_file, write_yaml

    source = read_yaml_file(str(path))
    keys = ("recipe", "language", "assistant_id", "pipeline")
    config = {k: source[k] for k in keys if k in source}
    target = work / "config.yml"
    write_yaml(config, target)
    return target, list(config.get("pipeline") or [])


def write_nlu_yaml(rows: list[tuple[str, str]], path: Path) -> Path:
    """Rasa NLU YAML for the rows; fails if anything was lost in the round trip."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import (
        RasaYAMLReader,
        RasaYAMLWriter,
    )
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message.build(text=t, intent=c) for t, c in rows])
    path.write_text(RasaYAMLWriter().dumps(data), "utf-8")
    back = RasaYAMLReader().read(path)
    if len(back.intent_examples) != len({(t, c) for t, c in rows}):
        raise ValueError(f"{len(rows)} rows became {len(back.intent_examples)} examples")
    return path


def train(config: Path, nlu_file: Path, out: Path) -> tuple[str, float]:
    """Train an NLU-only model; its path and the wall-clock seconds it took."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(str(config), str(nlu_file), str(out), fixed_model_name="bench")
    seconds = time.perf_counter() - started
    if not model:
        raise RuntimeError("rasa train nlu produced no model; see the log above")
    return str(model), seconds


def machine() -> dict[str, Any]:
    """Enough to compare runs: CPU, cores, load, versions."""
    import rasa
    import tensorflow as tf

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "tensorflow": tf.__version__,
    }
