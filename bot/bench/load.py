"""``candor bench load``: Candor against a stock ``rasa init`` bot, same machine, same run.

Starts the real stack (``candor run``, throw-away ``CANDOR_HOME``, free ports) and a stock bot
(``rasa init --no-prompt`` in a temporary folder, then ``rasa run --enable-api``), then drives
each in turn with the same closed-loop clients (:mod:`bot.bench.load_client`) at each
concurrency level for a fixed time. Conversations are a greeting, five different questions drawn
at random from at least 1,000 distinct customer messages (BANKING77's training split), and a
goodbye, with a new sender id each, so no cache keyed on text or sender can help.

Per level: msg/s, p50/p95/p99 latency, errors, and each server process's CPU seconds and peak
RSS (:mod:`bot.bench.load_procs`). Afterwards Candor's tracker store is compared with its
transcript database (:mod:`bot.bench.load_integrity`). Results: ``bench/results/load.{json,md,png}``.

``--faults`` instead starts Candor's processes as ``candor run`` does, puts it under load at
20 concurrent conversations (or the single ``--concurrency`` level given), kills (SIGKILL)
and restarts the action server, then sends ``kill -9`` to the Rasa server (behind its gateway)
and restarts it, and records what customers saw (status, error code, time to
the error, longest wait) and whether every event reached the transcripts exactly once.
Results: ``bench/results/load_faults.{json,md}``. ``--faults --scaleout`` does the same in the
scale-out set-up (:mod:`bot.bench.load_scaleout`), killing ``candor transcripts worker``:
``bench/results/load_faults_scaleout.{json,md}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.bench.load_client import Tally, Target, drive, probe, run_level
from bot.bench.load_integrity import compare_databases, processed_count, sqlite_url
from bot.bench.load_procs import TreeSampler
from bot.bench.load_stacks import (
    Stack,
    free_port,
    free_ports,
    init_stock,
    kill,
    model_for,
    running,
    services_supervisor,
    start_candor,
    start_services,
    start_stock,
    stop,
)
from bot.bench.load_stats import (
    TARGET_P99_MS,
    fault_window,
    read_messages,
    render_faults,
    render_markdown,
    summarise,
)
from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.supervisor import ServiceSpec, Supervisor

DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
DEFAULT_MESSAGES = PROJECT_ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
FAULT_CONCURRENCY = 20
WARM_UP_SECONDS = 5.0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench load``."""
    p = subparsers.add_parser("load", help="Candor vs a stock Rasa bot under concurrent load")
    p.add_argument("--concurrency", default="1,5,20,50",
                   help="comma-separated concurrent conversations per level")
    p.add_argument("--seconds", type=float, default=60.0, help="duration of each level")
    p.add_argument("--messages", type=Path, default=DEFAULT_MESSAGES,
                   help="CSV of customer messages (column `text`, at least 1,000 distinct)")
    p.add_argument("--channel", choices=("rest", "socketio", "both"), default="both",
                   help="Candor's channels to drive (the stock bot is driven over REST)")
    p.add_argument("--socketio-transport", choices=("websocket", "polling"), default="websocket",
                   help="socket.io transport (the widget uses websocket)")
    p.add_argument("--bots", default="candor,stock", help="which bots: candor, stock or both")
    p.add_argument("--model", type=Path, help="an existing Candor model (else `candor run` trains)")
    p.add_argument("--stock-dir", type=Path,
                   help="a `rasa init` folder to reuse (created and trained if it has no model)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before a message times out")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--startup-seconds", type=float, default=1800.0,
                   help="how long to wait for a server (training included)")
    p.add_argument("--faults", action="store_true",
                   help="fault injection at one level (a single --concurrency value, else 20) "
                        "instead of the levels")
    p.add_argument("--scaleout", action="store_true",
                   help="with --faults: the scale-out set-up (PostgreSQL, Redis, RabbitMQ), "
                        "killing `candor transcripts worker` instead")
    p.add_argument("--steady-seconds", type=float, default=20.0,
                   help="--faults: load before the first fault, and at least this long (and "
                        "--timeout + 5 s) between faults and after the last")
    p.add_argument("--down-seconds", type=float, default=10.0,
                   help="--faults: how long the action server (--scaleout: the transcripts "
                        "worker) stays down")
    p.add_argument("--keep", action="store_true", help="keep the temporary folders (logs, DBs)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    p.set_defaults(func=run)


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed (``candor bench load ...``)."""
    args = sys.argv[1:] if argv is None else argv
    return "candor " + shlex.join(args)


def levels_of(spec: str) -> list[int]:
    """``"1,5,20"`` -> ``[1, 5, 20]``; each level at least 1."""
    levels = [int(x) for x in spec.split(",") if x.strip()]
    if not levels or min(levels) < 1:
        raise ValueError(f"--concurrency {spec!r}: give positive whole numbers, e.g. 1,5,20,50")
    return levels


def fault_concurrency(spec: str) -> int:
    """``--faults`` runs at one level: the one ``--concurrency`` names, else 20."""
    levels = levels_of(spec)
    return levels[0] if len(levels) == 1 else FAULT_CONCURRENCY


def _machine() -> dict[str, Any]:
    from bot.settings import export

    export({"TF_CPP_MIN_LOG_LEVEL": "2"}, overwrite=False)  # machine() imports TensorFlow
    from bot.bench.harness import machine

    return machine()


def wait_for_writer(transcripts: str, quiet: float = 3.0, limit: float = 120.0) -> None:
    """Wait until ``processed_events`` stops growing (the transcript writer has caught up)."""
    deadline, last, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = processed_count(transcripts)
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)


def integrity(home: CandorHome) -> dict[str, Any] | None:
    """Tracker store vs transcript database of a finished Candor run, if both exist."""
    transcripts = home.db / "transcripts.sqlite"
    if not (home.tracker_db.exists() and transcripts.exists()):
        return None
    return compare_databases(sqlite_url(home.tracker_db), sqlite_url(transcripts))


def measure(target: Target, stack: Stack, concurrency: int, args: argparse.Namespace,
            pool: list[str]) -> dict[str, Any]:
    """One level against one bot: load, process stats, summary."""
    sampler = TreeSampler(stack.pids).start()
    # The bots see the same questions at a level; Candor's two channels do not share them.
    seed = args.seed + concurrency + (7919 if target.channel == "socketio" else 0)
    tally, elapsed = run_level(target, concurrency, args.seconds, pool, seed, args.timeout)
    processes = sampler.stop()
    processes.pop("supervisor", None)  # `candor run` itself only waits
    return {"bot": target.bot, "channel": target.channel, "concurrency": concurrency,
            **summarise(tally.samples, elapsed), "conversations": tally.conversations,
            "processes": processes}


def plot(levels: list[dict[str, Any]], path: Path) -> None:
    """p50 (solid) and p99 (dashed) latency against concurrency, one colour per bot and channel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter

    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = list(dict.fromkeys((lv["bot"], lv["channel"]) for lv in levels))
    for n, (bot, channel) in enumerate(series):
        rows = [lv for lv in levels if lv["bot"] == bot and lv["channel"] == channel]
        xs = [lv["concurrency"] for lv in rows]
        for key, style in (("p50_ms", "-o"), ("p99_ms", "--s")):
            ys = [lv[key] if lv[key] is not None else float("nan") for lv in rows]
            ax.plot(xs, ys, style, color=f"C{n}", label=f"{bot} {channel} {key[:3]}")
    ax.axhline(TARGET_P99_MS, color="grey", linewidth=0.8, linestyle=":",
               label=f"target p99 at 20 ({TARGET_P99_MS:.0f} ms)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sorted({lv["concurrency"] for lv in levels})))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("concurrent conversations")
    ax.set_ylabel("latency (ms, log scale)")
    ax.set_title("Candor vs stock Rasa bot: latency under load")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _write(out: Path, name: str, report: dict[str, Any], markdown: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / f"{name}.md").write_text(markdown)
    print(markdown)


def _report_head(args: argparse.Namespace, pool: list[str]) -> dict[str, Any]:
    return {
        "command": command_line(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "messages": len(pool),
        "messages_file": str(args.messages.resolve().relative_to(PROJECT_ROOT.parent))
        if args.messages.resolve().is_relative_to(PROJECT_ROOT.parent) else str(args.messages),
        "seconds": args.seconds,
        "timeout_s": args.timeout,
        "seed": args.seed,
    }


def run_levels(args: argparse.Namespace, pool: list[str], work: Path) -> dict[str, Any]:
    """Start both bots, drive every level, stop them; the report."""
    from tqdm import tqdm

    report = _report_head(args, pool)
    bots = bots_of(args.bots)
    home = CandorHome(work / "candor-home")
    stacks: dict[str, Stack] = {}
    targets: list[Target] = []
    notes: list[str] = []
    try:
        if "candor" in bots:
            ports = free_ports()
            print(f"starting Candor (candor run, CANDOR_HOME={home.root}) ...", flush=True)
            stacks["candor"] = start_candor(home, ports, args.model, args.startup_seconds)
            base = ports.url(ports.rasa)
            channels = ("rest", "socketio") if args.channel == "both" else (args.channel,)
            targets += [Target("candor", ch, base, args.socketio_transport) for ch in channels]
        if "stock" in bots:
            folder = args.stock_dir or work / "stock"
            print(f"starting the stock bot (rasa init in {folder}) ...", flush=True)
            init_stock(folder, work / "stock-init.log")
            port = free_port()
            stacks["stock"] = start_stock(folder, "127.0.0.1", port, args.startup_seconds)
            targets.append(Target("stock", "rest", f"http://127.0.0.1:{port}"))
        for target in list(targets):  # warm-up, and skip a channel that does not answer
            why = probe(target, pool, 60.0 if target.channel == "rest" else 20.0)
            if why:
                print(f"skipping {target.bot} {target.channel}: {why}", flush=True)
                hint = (" Rasa 3.6's socket.io channel sends no `bot_uttered` to a persistent "
                        "session (issue 13, 'Both channels, really')."
                        if target.channel == "socketio" else "")
                notes.append(f"Skipped {target.bot} over {target.channel}: {why}.{hint}")
                targets.remove(target)
            else:  # a few untimed conversations, so no level pays for first-use costs
                run_level(target, 1, WARM_UP_SECONDS, pool, args.seed - 1, args.timeout)
        levels = []
        todo = [(c, t) for c in levels_of(args.concurrency) for t in targets]
        for concurrency, target in tqdm(todo, desc="load levels", unit="level"):
            levels.append(measure(target, stacks[target.bot], concurrency, args, pool))
        report["levels"] = levels
    finally:
        if "candor" in stacks:
            wait_for_writer(sqlite_url(home.db / "transcripts.sqlite"))
        for stack in stacks.values():
            stop(stack)
    report["integrity"] = integrity(home) if "candor" in stacks else None
    if any(t.channel == "socketio" for t in targets):
        notes.append(f"socket.io: python-socketio's client over {args.socketio_transport}, a new "
                     "connection per conversation (connecting is not timed); a message's latency "
                     "runs until the channel acknowledges the end of its turn, as a REST "
                     "answer holds the whole turn; a turn without a `bot_uttered` is `empty`.")
    report["notes"] = notes
    report["machine"] = {**_machine(), "load_average_1_5_15": report["load_average_before"]}
    plot(report["levels"], _ensure(args.out) / "load.png")
    return report


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Fault:
    """One fault: how to kill a service and how to bring it back (blocking until it is up)."""

    service: str
    label: str
    down_seconds: float
    kill: Callable[[], None]
    restart: Callable[[], None]
    #: Whether the restarted process runs (a restart can fail its health check yet serve).
    running: Callable[[], bool]


def restarter(supervisor: Supervisor, spec: ServiceSpec) -> Callable[[], None]:
    """Start ``spec`` again under ``supervisor``, blocking until it is healthy."""
    def restart() -> None:
        supervisor.start(spec)

    return restart


def default_faults(args: argparse.Namespace, supervisor: Supervisor,
                   specs: list[ServiceSpec]) -> list[Fault]:
    """Action server, transcript follower (SIGKILL, ``--down-seconds``), Rasa server (kill -9)."""
    by_name = {spec.name: spec for spec in specs}
    return [
        Fault("actions", f"action server killed (SIGKILL), restarted after "
                         f"{args.down_seconds:.0f} s", args.down_seconds,
              lambda: kill(supervisor, "actions"), restarter(supervisor, by_name["actions"]),
              lambda: running(supervisor, "actions").process.poll() is None),
        Fault("transcripts", f"transcript follower killed (SIGKILL), restarted after "
                             f"{args.down_seconds:.0f} s", args.down_seconds,
              lambda: kill(supervisor, "transcripts"),
              restarter(supervisor, by_name["transcripts"]),
              lambda: running(supervisor, "transcripts").process.poll() is None),
        Fault("rasa", "Rasa server kill -9, restarted at once", 0.0,
              lambda: kill(supervisor, "rasa"), restarter(supervisor, by_name["rasa"]),
              lambda: running(supervisor, "rasa").process.poll() is None),
    ]


async def _inject(args: argparse.Namespace, pool: list[str], target: Target,
                  faults: list[Fault], tally: Tally) -> list[dict[str, Any]]:
    """Run the load while applying each fault in turn; what happened when."""
    done = asyncio.Event()
    load = asyncio.create_task(drive(target, fault_concurrency(args.concurrency), done.is_set,
                                     pool, args.seed,
                                     args.timeout, tally))
    timeline: list[dict[str, Any]] = []
    try:
        # Between faults, at least the client timeout: a message stuck by one fault ends (answer
        # or timeout) before the next fault, so each window shows what its own fault did.
        gap = max(args.steady_seconds, args.timeout + 5.0)
        for i, fault in enumerate(faults):
            await asyncio.sleep(gap if i else args.steady_seconds)
            killed = tally.now()
            print(f"fault at {killed:.0f}s: {fault.label}", flush=True)
            fault.kill()
            await asyncio.sleep(fault.down_seconds)
            entry: dict[str, Any] = {"name": fault.label, "service": fault.service,
                                     "killed_at": round(killed, 1), "healthy_at": None}
            timeline.append(entry)
            try:
                await asyncio.to_thread(fault.restart)
            except Exception as err:  # noqa: BLE001 - report it; go on only if it runs
                entry["restart_error"] = str(err)
                entry["running_after_error"] = fault.running()
                print(f"{fault.service}: {err}", flush=True)
                if entry["running_after_error"]:
                    continue
                break
            entry["healthy_at"] = round(tally.now(), 1)
            print(f"{fault.service} healthy again at {entry['healthy_at']:.0f}s", flush=True)
        await asyncio.sleep(gap)
    finally:
        done.set()
        await load
    return timeline


def fault_report(report: dict[str, Any], faults: list[dict[str, Any]], tally: Tally,
                 end: float) -> dict[str, Any]:
    """Add the windows, the baseline, the totals and the message timeline to ``report``."""
    for i, fault in enumerate(faults):
        # The window: from the kill until the next fault (or the end of the run).
        until = faults[i + 1]["killed_at"] if i + 1 < len(faults) else end
        fault["window"] = fault_window(tally.samples, fault["killed_at"], until)
    report["faults"] = faults
    first = faults[0]["killed_at"] if faults else end
    report["baseline"] = summarise([s for s in tally.samples if s.started + s.latency < first],
                                   first)
    report["overall"] = {**summarise(tally.samples, end), "conversations": tally.conversations}
    # Every message, for a timeline: [sent at s, latency s, outcome label].
    report["samples"] = [[s.started, s.latency, s.label] for s in tally.samples]
    return report


WINDOW_NOTE = (
    "Each window runs from the kill to the next kill (or the end of the run). \"Health "
    "check passed\" is when the supervisor's health check answered (it lags under load); "
    "\"first answer\" is when a customer got an answer again. A message counts in the window "
    "it ended in (one cut off by the next kill counts there); errors are 503s with their "
    "code, `timeout` (no answer within the client timeout) and failed connections with the "
    "client's exception.")


def run_faults(args: argparse.Namespace, pool: list[str], work: Path) -> dict[str, Any]:
    """Candor's processes under load at 20 concurrent conversations, with faults."""
    report = _report_head(args, pool)
    report["concurrency"] = fault_concurrency(args.concurrency)
    home = CandorHome(work / "candor-home")
    ports = free_ports()
    print(f"starting Candor's processes (CANDOR_HOME={home.root}) ...", flush=True)
    supervisor, specs = start_services(home, ports, args.model)
    target = Target("candor", "rest", ports.url(ports.rasa))
    tally = Tally()
    try:
        why = probe(target, pool, 60.0)
        if why:
            raise RuntimeError(why)
        tally = Tally()
        faults = asyncio.run(_inject(args, pool, target, default_faults(args, supervisor, specs),
                                     tally))
        wait_for_writer(sqlite_url(home.db / "transcripts.sqlite"))
    finally:
        supervisor.stop()
    fault_report(report, faults, tally, tally.finished)
    report["integrity"] = integrity(home)
    report["notes"] = [
        WINDOW_NOTE,
        "Customers talk to the gateway on the Rasa port (`candor serve gateway`), which answers "
        "503 E028 while the Rasa server behind it is down, starting or dies mid-request. Rasa "
        "waits at most `CANDOR_ACTION_TIMEOUT` (5 s) for a dead or hung action server and goes "
        "on without the action; a turn left with no reply is 503 E026. Killing `candor "
        "transcripts follow` changes nothing customers see: it re-applies the tracker store "
        "when it is back. Killing `candor transcripts worker` is `--faults --scaleout`.",
    ]
    report["machine"] = {**_machine(), "load_average_1_5_15": report["load_average_before"]}
    return report


def run_faults_scaleout(args: argparse.Namespace, pool: list[str], work: Path) -> dict[str, Any]:
    """The scale-out set-up under load, killing and restarting the transcripts worker."""
    from bot.bench.load_scaleout import ScaleOut, Worker, cleanup, create
    from bot.bench.load_scaleout import services as scaleout_services

    report = {**_report_head(args, pool), "concurrency": fault_concurrency(args.concurrency),
              "setup": "scale-out",
              "setup_note": "Scale-out set-up as the README runs it (`endpoints.scaleout.yml`: "
                            "PostgreSQL tracker store, Redis lock store, RabbitMQ to `candor "
                            "transcripts worker` writing PostgreSQL), one Rasa replica, one "
                            "action server; customers talk to the REST webhook."}
    home = CandorHome(work / "candor-home").ensure()
    ports, names = free_ports(), ScaleOut()
    model = model_for(home, args.model)
    create(names)
    supervisor = services_supervisor(home, ports, names.env())
    worker = Worker(supervisor.env, home.logs / "worker.log", names.transcripts_url)
    tally, faults = Tally(), []
    try:
        print(f"starting the scale-out set-up (CANDOR_HOME={home.root}) ...", flush=True)
        worker.start()
        for spec in scaleout_services(home, ports, model):
            supervisor.start(spec)
        target = Target("candor", "rest", ports.url(ports.rasa))
        why = probe(target, pool, 60.0)
        if why:
            raise RuntimeError(why)
        tally = Tally()
        fault = Fault("worker", "transcripts worker killed (SIGKILL), restarted after "
                                f"{args.down_seconds:.0f} s", args.down_seconds,
                      worker.kill, worker.start, worker.running)
        faults = asyncio.run(_inject(args, pool, target, [fault], tally))
        wait_for_writer(names.transcripts_url)
        report["integrity"] = compare_databases(names.tracker_url, names.transcripts_url)
    finally:
        supervisor.stop()
        worker.kill(signal.SIGTERM)
        try:
            cleanup(names)
        except Exception as err:  # noqa: BLE001 - the results matter more; say what is left
            print(f"could not remove {names.env()}: {err}", flush=True)
    fault_report(report, faults, tally, tally.finished)
    report["notes"] = [WINDOW_NOTE, "While the worker is down, events wait in RabbitMQ: "
                       "customers should notice nothing, and the transcripts catch up after."]
    report["machine"] = {**_machine(), "load_average_1_5_15": report["load_average_before"]}
    return report


def bots_of(spec: str) -> set[str]:
    """``"candor,stock"`` -> ``{"candor", "stock"}``; only those two names."""
    bots = {b.strip() for b in spec.split(",") if b.strip()}
    if not bots or not bots <= {"candor", "stock"}:
        raise ValueError(f"--bots {spec!r}: give candor, stock or candor,stock")
    return bots


def run(args: argparse.Namespace) -> int:
    """Run the levels (or ``--faults``), write JSON, markdown (and the chart), print the table."""
    pool = read_messages(args.messages)
    levels_of(args.concurrency)  # a bad list fails now, not after the servers started
    bots_of(args.bots)
    work = Path(tempfile.mkdtemp(prefix="candor-load-"))
    keep = args.keep
    try:
        if args.faults and args.scaleout:
            report = run_faults_scaleout(args, pool, work)
            _write(args.out, "load_faults_scaleout", report, render_faults(report))
        elif args.faults:
            report = run_faults(args, pool, work)
            _write(args.out, "load_faults", report, render_faults(report))
        else:
            report = run_levels(args, pool, work)
            _write(args.out, "load", report, render_markdown(report))
    except BaseException:
        keep = True  # the servers' logs say what went wrong
        raise
    finally:
        if keep:
            print(f"kept {work} (servers' logs under candor-home/logs)", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0
