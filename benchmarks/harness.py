"""Run one (instance, peer) in a fresh subprocess and measure it.

Each task runs in its own process started with multiprocessing's 'spawn' method, so peers
never share memory, caches or threads, and the process's peak resident set size
(``VmHWM`` from /proc/self/status, read right after the peer returns) is the peer's own.
The child regenerates the instance from (family, seed, size), which is deterministic,
tells the parent it is "ready" right before it calls the peer, tells it "answered" right
after the call returns, then checks the answer and reports. The parent's clock between
"ready" and "answered" is the run's ``wall`` (what a caller waiting for the answer sees,
model building included; the check is not). The parent watches the child: above
``memory_limit_mb`` resident memory or past ``2 * time_limit + 60`` seconds after "ready"
it kills the child and records ``memory`` or ``timeout``.

Every allocation is checked with :func:`icld_match.analysis.check`; a result that breaks a hard
rule is reported as ``invalid`` (no objective). Objectives are always recomputed with
:func:`icld_match.score` (sum of contributions), so peers are compared on one scale.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from icld_match import Allocation, Problem, check, score

from .generate import generate_instance

#: (seconds since the peer started, objective, solver's bound then or None, source or None)
Point = tuple[float, float, float | None, str | None]
PEERS: tuple[str, ...] = ("greedy", "highs", "icld")
#: Pseudo-peer: the LP relaxation of the HiGHS model, the common reference bound.
LP = "lp"
#: Runs that do not depend on the budget or worker count: once per instance.
ONE_SHOT: tuple[str, ...] = ("greedy", LP)


@dataclass(frozen=True)
class Task:
    family: str
    seed: int
    size: int | None
    peer: str  # one of PEERS, or LP
    time_limit: float  # the budget, seconds
    workers: int = 2
    max_binaries: int = 4_000_000  # HiGHS model (and LP) skipped above this many binaries
    load: int = 0  # CPU-burning processes running beside it (recorded, started by run.py)

    @property
    def key(self) -> str:
        """The row's name within its instance: peer, budget, workers (greedy: peer only)."""
        return row_key(self.peer, self.time_limit, self.workers)

    @property
    def deadline(self) -> float:
        """Seconds after which the watchdog kills the child."""
        return 2 * self.time_limit + 60


def row_key(peer: str, budget: float, workers: int) -> str:
    """``icld@10s/w2``; greedy and the LP reference run once per instance: their name."""
    return peer if peer in ONE_SHOT else f"{peer}@{budget:g}s/w{workers}"


def _status_kb(field: str, pid: int | str = "self") -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


def _thin(progress: list[Point], keep: int = 40) -> list[Point]:
    if len(progress) <= keep:
        return progress
    step = len(progress) / (keep - 1)
    picked = [progress[int(i * step)] for i in range(keep - 1)]
    return [*picked, progress[-1]]


def _run_peer(task: Task, problem: Problem, conn: Connection) -> dict[str, Any]:
    """Run the peer in this process, between "ready" and "answered"; then judge it."""
    _import_peer(task.peer)
    conn.send(("ready", _mb(_status_kb("VmRSS"))))
    started = time.perf_counter()
    try:
        answer = _call_peer(task, problem, started)
    finally:
        conn.send(("answered", None))
    wall, peak = time.perf_counter() - started, _mb(_status_kb("VmHWM"))
    if answer.allocation is None:  # nothing to check: skipped, or the LP reference
        return {**answer.facts, "peer_wall": wall, "peak_rss_mb": peak}
    return _judge(
        problem, answer.allocation, answer.bound, answer.progress, wall, peak, answer.facts
    )


def _import_peer(peer: str) -> None:
    """Import the peer's modules before the clock starts: ``import icld_match`` is lazy, and
    the first ``solve`` would otherwise count OR-Tools' import (~0.7 s) as solving time, as
    the first HiGHS call would count highspy's. A service calls solve in a warm process."""
    if peer == "icld":
        import icld_match.strategies.solve  # noqa: F401
    elif peer in ("highs", LP):
        from . import highs_mip  # noqa: F401


@dataclass
class _Answer:
    """A peer's answer: measured facts, and the allocation (with bound, curve) to judge."""

    facts: dict[str, Any]
    allocation: Allocation | None = None
    bound: float | None = None
    progress: list[Point] = field(default_factory=list)


def _call_peer(task: Task, problem: Problem, started: float) -> _Answer:
    """Call the peer and collect what it says; nothing is checked here (time is running)."""
    if task.peer == "greedy":
        from .greedy import greedy

        return _Answer({}, greedy(problem), None, [])
    if task.peer == "icld":
        return _call_icld(task, problem, started)
    if task.peer in ("highs", LP):
        return _call_highs(task, problem)
    raise ValueError(f"unknown peer {task.peer!r}")


def _call_icld(task: Task, problem: Problem, started: float) -> _Answer:
    """icld-match's ``solve``, with its improving solutions as the progress curve."""
    from icld_match import Progress, solve

    progress: list[Point] = []

    def on_progress(p: Progress) -> None:
        source = getattr(p, "source", None)
        point = (time.perf_counter() - started, p.objective, p.best_bound, source)
        progress.append(point)

    allocation = solve(
        problem,
        time_limit=task.time_limit,
        seed=0,
        workers=task.workers,
        on_progress=on_progress,
    )
    bound = allocation.best_bound if allocation.is_feasible() else None
    extra: dict[str, Any] = {
        "solver_wall_time": allocation.wall_time,
        "cp_sat_time": allocation.solve_time,
        "strategy": allocation.strategy,
    }
    return _Answer(extra, allocation, bound, progress)


def _call_highs(task: Task, problem: Problem) -> _Answer:
    """The HiGHS MIP (peer ``highs``) or its LP relaxation (``lp``); skipped when too big."""
    from .highs_mip import count_binaries, solve_highs

    progress: list[Point] = []
    binaries = count_binaries(problem)
    extra: dict[str, Any] = {"binaries": binaries}
    if binaries > task.max_binaries:
        notes = f"MIP would have {binaries:,} binaries (> {task.max_binaries:,})"
        return _Answer({"outcome": "skipped", "notes": notes, **extra})

    def on_highs(t: float, objective: float, bound: float | None = None) -> None:
        progress.append((t, objective, bound, None))

    run = solve_highs(
        problem,
        time_limit=task.time_limit,
        threads=task.workers,
        relaxation=task.peer == LP,
        on_progress=on_highs,
    )
    extra.update(
        model_status=run.model_status,
        columns=run.n_cols,
        rows=run.n_rows,
        build_time=round(run.build_time, 3),
    )
    if task.peer == LP:
        outcome = "solved" if run.dual_bound is not None else "no bound"
        return _Answer({"outcome": outcome, "lp_bound": run.dual_bound, **extra})
    return _Answer(extra, run.allocation, run.dual_bound, progress)


def _judge(
    problem: Problem,
    allocation: Allocation,
    bound: float | None,
    progress: list[Point],
    wall: float,
    peak: float | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Check the allocation and recompute its objective; fill the time metrics."""
    out: dict[str, Any] = {
        "solver_status": allocation.status.value,
        "reported_objective": allocation.objective,
        "bound": bound,
        "peer_wall": wall,
        "peak_rss_mb": peak,
        **extra,
    }
    if not allocation.teams:
        reasons = "; ".join(allocation.reasons)[:300]
        return {**out, "outcome": "no allocation", "valid": False, "notes": reasons}
    violations = check(problem, allocation)
    if violations:
        return {
            **out,
            "outcome": "invalid",
            "valid": False,
            "n_violations": len(violations),
            "notes": "; ".join(str(v) for v in violations[:3])[:300],
        }
    objective = sum(t.contribution for t in score(problem, allocation))
    out.update(
        outcome="optimal" if allocation.status.value == "optimal" else "feasible",
        valid=True,
        objective=objective,
        progress=_thin(progress),
    )
    if bound is not None and bound < objective - 1e-6 * max(1.0, abs(objective)):
        out["notes"] = f"bound {bound:.6f} below own objective {objective:.6f}"
    return out


def _child(task: Task, conn: Connection) -> None:
    try:
        instance = generate_instance(task.family, task.seed, task.size)
        result = _run_peer(task, instance.problem, conn)
        conn.send(("done", result))
    except BaseException as exc:  # report everything, the parent decides
        conn.send(("done", {"outcome": "error", "notes": f"{exc!r}\n{traceback.format_exc()}"}))
    finally:
        conn.close()
    # A HiGHS run abandoned at its limit still holds a thread: leave without waiting for it.
    os._exit(0)


def run_task(task: Task, memory_limit_mb: float = 12 * 1024) -> dict[str, Any]:
    """Run ``task`` in a fresh 'spawn' subprocess under a memory and time watchdog.

    ``wall`` is the parent's time from "ready" to "answered" (see the module docstring);
    ``overshoot`` is wall - budget, filled for the budgeted peers.
    """
    ctx = mp.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(task, send), daemon=True)
    process.start()
    send.close()
    watch = _Watch(task, memory_limit_mb)
    result: dict[str, Any] | None = None
    while result is None:
        try:
            while receive.poll(0.2 if watch.ready_at is None or watch.answered_at else 0.05):
                kind, payload = receive.recv()
                if kind == "done":
                    result = payload
                    break
                watch.note(kind, payload)
        except EOFError:
            result = {"outcome": "crashed", "notes": f"exit code {process.exitcode}"}
        if result is None:
            result = watch.verdict(process.pid or 0, process.is_alive() or receive.poll(0))
    if watch.killed:
        process.kill()
    process.join(timeout=30)
    if process.is_alive():
        process.kill()
        process.join()
    receive.close()
    return watch.finish(result)


class _Watch:
    """The parent's view of one child: its messages' times and its resident memory."""

    def __init__(self, task: Task, memory_limit_mb: float) -> None:
        self.task, self.memory_limit_mb = task, memory_limit_mb
        self.launched = time.perf_counter()
        self.ready_at: float | None = None
        self.answered_at: float | None = None
        self.rss_before: float | None = None
        self.seen_peak = 0.0
        self.killed = False

    def note(self, kind: str, payload: Any) -> None:
        if kind == "ready":
            self.ready_at, self.rss_before = time.perf_counter(), payload
        elif kind == "answered":
            self.answered_at = time.perf_counter()

    def verdict(self, pid: int, alive: bool) -> dict[str, Any] | None:
        """A result if the child must be (or was) stopped, else None: keep waiting."""
        rss = _mb(_status_kb("VmRSS", pid))
        if rss is not None:
            self.seen_peak = max(self.seen_peak, rss)
        elapsed = time.perf_counter() - (self.ready_at or self.launched)
        deadline = self.task.deadline
        if rss is not None and rss > self.memory_limit_mb:
            reason = ("memory", f"killed above {self.memory_limit_mb:.0f} MB resident")
        elif self.ready_at is None and elapsed > 600:
            reason = ("timeout", "instance generation took over 600 s")
        elif self.ready_at is not None and self.answered_at is None and elapsed > deadline:
            reason = ("timeout", f"killed after {deadline:.0f} s (2 x limit + 60 s)")
        elif self.answered_at is not None and time.perf_counter() - self.answered_at > 600:
            reason = ("timeout", "checking the answer took over 600 s")
        elif not alive:
            reason = ("crashed", "the child ended without a result")
        else:
            return None
        self.killed = reason[0] != "crashed"
        return {"outcome": reason[0], "notes": reason[1], "peak_rss_mb": self.seen_peak or None}

    def finish(self, result: dict[str, Any]) -> dict[str, Any]:
        """Add the parent's measurements and the task to the child's result."""
        if self.ready_at is not None:
            end = self.answered_at or time.perf_counter()
            result["wall"] = end - self.ready_at
        task = self.task
        if task.peer not in ONE_SHOT and result.get("wall") is not None:
            result["overshoot"] = result["wall"] - task.time_limit
        result.setdefault("valid", False)
        result.update(
            peer=task.peer,
            budget=None if task.peer == "greedy" else task.time_limit,
            workers=None if task.peer == "greedy" else task.workers,
            load=task.load,
            rss_before_mb=self.rss_before,
            pid_rss_watch_peak_mb=self.seen_peak or None,
            task=asdict(task),
        )
        return result


def machine() -> dict[str, Any]:
    """Facts about this machine and the library versions, for the report header."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    ram = _status_meminfo()
    import icld_match

    return {
        "cores": os.cpu_count(),
        "ram_gib": None if ram is None else round(ram / 1024 / 1024, 1),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "ortools": ver("ortools"),
        "highspy": ver("highspy"),
        "numpy": ver("numpy"),
        "icld_match": icld_match.__version__,
    }


def _status_meminfo() -> int | None:
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
