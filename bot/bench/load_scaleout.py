"""The scale-out set-up for ``candor bench load --faults --scaleout``.

As the README's "Scale-out" section runs it: PostgreSQL tracker store, Redis lock store,
RabbitMQ (Rasa's Pika broker) to ``candor transcripts worker`` writing a PostgreSQL transcript
database; one Rasa replica and one action server. Every name (databases, queue, exchange, lock
prefix) is unique to the run, and :func:`cleanup` drops and deletes them afterwards.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.services import Ports, product_services
from bot.runtime.supervisor import ServiceSpec, candor_argv

PG = "postgresql://postgres@127.0.0.1:5432"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
ENDPOINTS = PROJECT_ROOT / "endpoints.scaleout.yml"


@dataclass(frozen=True)
class ScaleOut:
    """This run's names in the shared PostgreSQL, RabbitMQ and Redis."""

    token: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def tracker_db(self) -> str:
        return f"candor_load_tracker_{self.token}"

    @property
    def transcripts_db(self) -> str:
        return f"candor_load_transcripts_{self.token}"

    @property
    def tracker_url(self) -> str:
        return f"{PG}/{self.tracker_db}"

    @property
    def transcripts_url(self) -> str:
        return f"{PG}/{self.transcripts_db}"

    @property
    def queue(self) -> str:
        return f"candor_load_events_{self.token}"

    @property
    def exchange(self) -> str:
        return f"candor_load_exchange_{self.token}"

    def env(self) -> dict[str, str]:
        """What ``endpoints.scaleout.yml`` and the worker read."""
        return {"CANDOR_TRACKER_DB": self.tracker_db,
                "CANDOR_TRANSCRIPTS_URL": self.transcripts_url,
                "CANDOR_EVENTS_QUEUE": self.queue, "CANDOR_EVENTS_EXCHANGE": self.exchange,
                "CANDOR_LOCK_PREFIX": f"candor_load_{self.token}"}


def _admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{PG}/postgres", future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def create(names: ScaleOut) -> None:
    """Create the transcript database (Rasa creates the tracker's through ``login_db``)."""
    _admin(f'CREATE DATABASE "{names.transcripts_db}"')


def cleanup(names: ScaleOut) -> None:
    """Drop both databases and delete the queue and exchange (what exists of them)."""
    for db in (names.tracker_db, names.transcripts_db):
        _admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    asyncio.run(_delete_amqp(names))


async def _delete_amqp(names: ScaleOut) -> None:
    import aio_pika

    connection = await aio_pika.connect(AMQP_URL)
    try:
        channel = await connection.channel()
        await channel.queue_delete(names.queue)
        await channel.exchange_delete(names.exchange)
    finally:
        await connection.close()


def migrated(url: str) -> bool:
    """Whether the worker has created the transcript tables."""
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(url, future=True)
    try:
        return bool(inspect(engine).has_table("processed_events"))
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def services(home: CandorHome, ports: Ports, model: Path) -> list[ServiceSpec]:
    """The action server and one Rasa replica on ``endpoints.scaleout.yml`` (no console)."""
    specs = [s for s in product_services(home, ports, model)
             if s.name not in ("console", "transcripts")]  # the worker writes here
    out = []
    for spec in specs:
        argv = list(spec.argv)
        if "--endpoints" in argv:
            argv[argv.index("--endpoints") + 1] = str(ENDPOINTS)
        out.append(ServiceSpec(spec.name, argv, spec.health_url, spec.startup_seconds))
    return out


@dataclass
class Worker:
    """``candor transcripts worker`` in its own process group (no health URL: ready = migrated)."""

    env: dict[str, str]
    log: Path
    url: str
    process: subprocess.Popen[bytes] | None = None

    def start(self, seconds: float = 120.0) -> None:
        """Start and wait until the transcript tables exist (the worker migrates first)."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                candor_argv("transcripts", "worker", "--endpoints", str(ENDPOINTS)),
                cwd=PROJECT_ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the transcripts worker exited ({self.process.returncode}); "
                                   f"see {self.log}")
            if migrated(self.url):
                time.sleep(2.0)  # connect to RabbitMQ and start consuming
                if self.process.poll() is None:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"the transcripts worker was not ready in {seconds:.0f} s; see {self.log}")

    def running(self) -> bool:
        """Whether the worker process is alive."""
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the worker's whole process group and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
