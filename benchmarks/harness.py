"""Run one (instance, peer) in a fresh subprocess and measure it.

Each task runs in its own process started with multiprocessing's 'spawn' method, so peers
never share memory, caches or threads, and the process's peak resident set size
(``VmHWM`` from /proc/self/status, read right after the peer returns) is the peer's own.
The child regenerates the instance from (family, seed, size), which is deterministic,
tells the parent it is ready, runs the peer and reports. The parent watches the child:
above ``memory_limit_mb`` resident memory or past ``2 * time_limit + 60`` seconds after
"ready" it kills the child and records ``memory`` or ``timeout``.

Every allocation is checked with :func:`icld_match.analysis.check`; a result that breaks a hard
rule is reported as ``invalid`` (no objective). Objectives are always recomputed with
:func:`icld_match.score` (sum of contributions), so peers are compared on one scale.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from typing import Any

from icld_match import Allocation, Problem, check, score

from .generate import generate_instance

#: (seconds since the peer started, objective, solver's bound then or None)
Point = tuple[float, float, float | None]
PEERS: tuple[str, ...] = ("greedy", "highs", "icld")
#: Pseudo-peer: the LP relaxation of the HiGHS model, the common reference bound.
LP = "lp"


@dataclass(frozen=True)
class Task:
    family: str
    seed: int
    size: int | None
    peer: str  # one of PEERS, or LP
    time_limit: float
    workers: int = 2
    max_binaries: int = 4_000_000  # HiGHS model (and LP) skipped above this many binaries

    @property
    def deadline(self) -> float:
        """Seconds after which the watchdog kills the child."""
        return 2 * self.time_limit + 60


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


def _first_within(progress: list[Point], final: float, share: float) -> float | None:
    """Earliest time an improving solution came within ``share`` of ``final``."""
    threshold = final - share * max(1.0, abs(final))
    return next((p[0] for p in progress if p[1] >= threshold - 1e-9), None)


def _gap_time(progress: list[Point], share: float) -> float | None:
    """Earliest time the solver's own gap (objective vs its bound) was within ``share``."""
    for point in progress:
        t, obj, bound = point
        if bound is not None and bound - obj <= share * max(1.0, abs(obj)) + 1e-9:
            return t
    return None


def _thin(progress: list[Point], keep: int = 40) -> list[Point]:
    if len(progress) <= keep:
        return progress
    step = len(progress) / (keep - 1)
    picked = [progress[int(i * step)] for i in range(keep - 1)]
    return [*picked, progress[-1]]


def _run_peer(task: Task, problem: Problem) -> dict[str, Any]:
    """Run the peer in this process; return the measured facts (no check yet)."""
    progress: list[Point] = []
    extra: dict[str, Any] = {}
    allocation: Allocation | None = None
    bound: float | None = None
    started = time.perf_counter()
    if task.peer == "greedy":
        from .greedy import greedy

        allocation = greedy(problem)
    elif task.peer == "icld":
        from icld_match import Progress, solve

        def on_progress(p: Progress) -> None:
            progress.append((time.perf_counter() - started, p.objective, p.best_bound))

        allocation = solve(
            problem,
            time_limit=task.time_limit,
            seed=0,
            workers=task.workers,
            on_progress=on_progress,
        )
        bound = allocation.best_bound if allocation.is_feasible() else None
        extra["solver_wall_time"] = allocation.wall_time
        extra["cp_sat_time"] = allocation.solve_time
        extra["strategy"] = allocation.strategy
    elif task.peer in ("highs", LP):
        from .highs_mip import count_binaries, solve_highs

        binaries = count_binaries(problem)
        extra["binaries"] = binaries
        if binaries > task.max_binaries:
            return {
                "outcome": "skipped",
                "notes": f"MIP would have {binaries:,} binaries (> {task.max_binaries:,})",
                "wall": time.perf_counter() - started,
                "peak_rss_mb": _mb(_status_kb("VmHWM")),
            }

        def on_highs(t: float, objective: float, bound: float | None = None) -> None:
            progress.append((t, objective, bound))

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
            return {
                "outcome": "solved" if run.dual_bound is not None else "no bound",
                "lp_bound": run.dual_bound,
                "wall": time.perf_counter() - started,
                "peak_rss_mb": _mb(_status_kb("VmHWM")),
                **extra,
            }
        allocation, bound = run.allocation, run.dual_bound
    else:
        raise ValueError(f"unknown peer {task.peer!r}")
    wall = time.perf_counter() - started
    peak = _mb(_status_kb("VmHWM"))
    return _judge(problem, allocation, bound, progress, wall, peak, extra)


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
        "wall": wall,
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
    if not progress:  # a one-shot peer: its answer is its first (and final) solution
        progress = [(wall, objective, bound)]
    out.update(
        outcome="optimal" if allocation.status.value == "optimal" else "feasible",
        valid=True,
        objective=objective,
        t_first=progress[0][0],
        t_1pct=_first_within(progress, objective, 0.01) or wall,
        t_gap_1pct=_gap_time(progress, 0.01),
        progress=_thin(progress),
    )
    if bound is not None and bound < objective - 1e-6 * max(1.0, abs(objective)):
        out["notes"] = f"bound {bound:.6f} below own objective {objective:.6f}"
    return out


def _child(task: Task, conn: Connection) -> None:
    try:
        instance = generate_instance(task.family, task.seed, task.size)
        conn.send(("ready", _mb(_status_kb("VmRSS"))))
        result = _run_peer(task, instance.problem)
        conn.send(("done", result))
    except BaseException as exc:  # report everything, the parent decides
        conn.send(("done", {"outcome": "error", "notes": f"{exc!r}\n{traceback.format_exc()}"}))
    finally:
        conn.close()


def run_task(task: Task, memory_limit_mb: float = 12 * 1024) -> dict[str, Any]:
    """Run ``task`` in a fresh 'spawn' subprocess under a memory and time watchdog."""
    ctx = mp.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(task, send), daemon=True)
    process.start()
    send.close()
    launched = time.perf_counter()
    ready_at: float | None = None
    rss_before: float | None = None
    seen_peak = 0.0
    result: dict[str, Any] | None = None
    deadline = task.deadline
    while result is None:
        try:
            if receive.poll(0.2):
                kind, payload = receive.recv()
                if kind == "ready":
                    ready_at, rss_before = time.perf_counter(), payload
                else:
                    result = payload
                    break
        except EOFError:
            result = {"outcome": "crashed", "notes": f"exit code {process.exitcode}"}
            break
        rss = _mb(_status_kb("VmRSS", process.pid or 0))
        if rss is not None:
            seen_peak = max(seen_peak, rss)
        elapsed = time.perf_counter() - (ready_at or launched)
        killed = None
        if rss is not None and rss > memory_limit_mb:
            killed = ("memory", f"killed above {memory_limit_mb:.0f} MB resident")
        elif ready_at is None and elapsed > 600:
            killed = ("timeout", "instance generation took over 600 s")
        elif ready_at is not None and elapsed > deadline:
            killed = ("timeout", f"killed after {deadline:.0f} s (2 x limit + 60 s)")
        elif not process.is_alive() and not receive.poll(0):
            killed = ("crashed", f"exit code {process.exitcode}")
        if killed:
            process.kill()
            result = {
                "outcome": killed[0],
                "notes": killed[1],
                "wall": elapsed,
                "peak_rss_mb": seen_peak or None,
            }
    process.join(timeout=30)
    if process.is_alive():
        process.kill()
        process.join()
    receive.close()
    result.setdefault("valid", False)
    result["rss_before_mb"] = rss_before
    result["task"] = asdict(task)
    result["pid_rss_watch_peak_mb"] = seen_peak or None
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
