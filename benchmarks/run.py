"""Run the benchmark suite and write results.md, results.json and the plots.

    python benchmarks/run.py --quick                      # < 4 min on 2 cores
    python benchmarks/run.py --suite final                # the README's tables, < 60 min
    python benchmarks/run.py --family season --budgets 1 3 10 --workers 1 2 --load
    python benchmarks/run.py --family scarce --sizes 500 --budgets 60 --append
    python benchmarks/run.py --suite final --dry-run      # task list and estimate only
    python benchmarks/run.py --report-only                # rewrite results.md and the plots

See benchmarks/README.md for what is measured.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` (and the src tree) importable
    _ROOT = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(_ROOT))
    if importlib.util.find_spec("icld_match") is None:
        sys.path.insert(0, str(_ROOT / "src"))

from benchmarks.common import open_hosts
from benchmarks.generate import FAMILIES, SIZED, generate_instance
from benchmarks.harness import LP, ONE_SHOT, PEERS, Task, machine, run_task
from benchmarks.report import derive, markdown, plots, targets

RESULTS = Path(__file__).resolve().parent / "results"
#: Defaults without --budgets / --seeds / --sizes.
DEFAULT_BUDGETS = {"cohort": (10.0,), "season": (10.0,), "scarce": (60.0,), "stress": (60.0,)}
DEFAULT_BUDGETS["season-full"] = (1.0, 10.0)
DEFAULT_SEEDS = {"cohort": 3, "season": 3, "scarce": 1, "stress": 1, "season-full": 3}
#: Families whose rules the peers (greedy, HiGHS, its LP) do not model: they are not run,
#: and the instance notes say n/a, so no peer plan is ever reported as valid there.
PEERLESS: dict[str, str] = {
    "season-full": "greedy, highs, lp: n/a (they do not model windows, host calendars, "
    "study visits or travel)"
}
DEFAULT_SIZES = {"scarce": (500, 1000), "stress": (1000, 2500)}
ALL_PEERS: tuple[str, ...] = (*PEERS, LP)


@dataclass(frozen=True)
class Spec:
    """Instances of one family and size, and what to run on each."""

    family: str
    size: int | None
    seeds: tuple[int, ...]
    budgets: tuple[float, ...]
    workers: tuple[int, ...]
    peers: tuple[str, ...] = ALL_PEERS
    lp_limit: float | None = None  # None: the largest budget


_BOTH = (1, 2)
_SMALL = (1.0, 3.0, 10.0)
#: What the README's benchmark section shows (about 25 minutes measured on 2 cores).
FINAL: tuple[Spec, ...] = (
    Spec("cohort", None, (0, 1, 2), _SMALL, _BOTH),
    Spec("season", None, (0, 1, 2), _SMALL, _BOTH),
    Spec("scarce", 500, (0,), (60.0,), (2,)),
    Spec("scarce", 1000, (0,), (30.0,), (2,), lp_limit=120.0),
    Spec("stress", 1000, (0,), (30.0,), (2,), lp_limit=300.0),
    Spec("stress", 2500, (0,), (60.0,), (2,), ("greedy", "highs", "icld")),
    Spec("stress", 10000, (0,), (10.0, 60.0), (2,), ("greedy", "icld")),
    Spec("season-full", None, (0, 1, 2), (1.0, 10.0), _BOTH, ("icld",)),
)
#: --quick: the harness end to end in under four minutes on 2 cores.
QUICK: tuple[Spec, ...] = (
    Spec("cohort", None, (0,), (1.0, 3.0), (1,)),
    Spec("season", None, (0,), (1.0, 3.0), _BOTH),
    Spec("scarce", 500, (0,), (10.0,), (2,), lp_limit=5.0),
    Spec("stress", 1000, (0,), (10.0,), (2,), ("greedy", "highs", "icld")),
)
SUITES = {"final": FINAL, "quick": QUICK}


def plan(args: argparse.Namespace) -> list[Spec]:
    """The specs to run, from --suite/--quick or from the other options."""
    suite = "quick" if args.quick else args.suite
    if suite:
        return list(SUITES[suite])
    families = FAMILIES if args.family == "all" else (args.family,)
    out: list[Spec] = []
    for family in families:
        seeds = tuple(range(args.seeds if args.seeds is not None else DEFAULT_SEEDS[family]))
        budgets = tuple(args.budgets or DEFAULT_BUDGETS[family])
        sizes: list[int | None] = [None]
        if family in SIZED:
            sizes = [n for n in args.sizes or DEFAULT_SIZES[family] if n in SIZED[family]]
        out += [
            Spec(family, n, seeds, budgets, tuple(args.workers), tuple(args.peers), args.lp_limit)
            for n in sizes
        ]
    return out


def tasks(spec: Spec, seed: int, args: argparse.Namespace) -> list[Task]:
    """greedy and the LP once per instance; icld and highs at every budget and worker count."""
    load = 1 if args.load else 0
    if spec.family in PEERLESS:
        spec = replace(spec, peers=tuple(p for p in spec.peers if p == "icld"))
    out: list[Task] = []
    common = {"max_binaries": args.max_binaries, "load": load}
    if "greedy" in spec.peers:
        out.append(Task(spec.family, seed, spec.size, "greedy", 0.0, 1, **common))
    if LP in spec.peers:
        limit = spec.lp_limit or max(spec.budgets)
        out.append(Task(spec.family, seed, spec.size, LP, limit, max(spec.workers), **common))
    for budget in spec.budgets:
        for workers in spec.workers:
            out += [
                Task(spec.family, seed, spec.size, peer, budget, workers, **common)
                for peer in ("highs", "icld")
                if peer in spec.peers
            ]
    return out


#: Rough seconds to start a child and generate its instance, per (family, size).
_STARTUP = {("scarce", 1000): 3.0, ("stress", 1000): 4.0, ("stress", 2500): 10.0}
_STARTUP |= {("stress", 10000): 45.0}


def estimate(task: Task) -> float:
    """Expected seconds for one task: start-up plus its budget (cohort: proven in < 1 s)."""
    startup = _STARTUP.get((task.family, task.size or 0), 2.0)
    if task.peer == "greedy":
        run = 10.0 if (task.size or 0) >= 10000 else 1.0
    elif task.family == "cohort" or (task.peer == LP and task.family == "season"):
        run = min(task.time_limit, 1.0)
    else:  # the peer uses its whole budget, plus the allowed overshoot and the check
        run = task.time_limit * 1.05 + 1.0
    return startup + run


def describe_plan(specs: list[Spec], args: argparse.Namespace) -> float:
    """Print the task list and its estimated duration; return the estimate in seconds."""
    total = 0.0
    for spec in specs:
        runs = [t for seed in spec.seeds for t in tasks(spec, seed, args)]
        seconds = sum(estimate(t) for t in runs)
        total += seconds
        size = "" if spec.size is None else f"-{spec.size}"
        lp = [t.time_limit for t in runs if t.peer == LP]
        print(
            f"  {spec.family}{size}: seeds {list(spec.seeds)}, budgets "
            f"{'/'.join(f'{b:g}' for b in spec.budgets)} s, workers {list(spec.workers)}, "
            f"peers {' '.join(spec.peers)}"
            + (f" (LP limit {lp[0]:g} s)" if lp else "")
            + f": {len(runs)} runs, ~{seconds / 60:.1f} min",
            flush=True,
        )
    print(f"estimated duration: ~{total / 60:.0f} min ({total:.0f} s)", flush=True)
    return total


def _describe(family: str, seed: int, size: int | None) -> dict[str, Any]:
    instance = generate_instance(family, seed, size)
    problem = instance.problem
    return {
        "name": instance.name,
        "family": family,
        "seed": seed,
        "size": size,
        "participants": len(problem.participants),
        "hosts": len(problem.hosts),
        "cohorts": len(problem.cohorts),
        "allowed_pairs": int(open_hosts(problem).sum()),
        "pins": len(problem.pins),
        "keep_together": len(problem.keep_together),
        "keep_apart": len(problem.keep_apart),
        "season_caps": sum(h.season_max_teams or 0 for h in problem.hosts),
        "repaired": instance.repaired,
        "rows": {},
    }


def _line(instance: dict[str, Any], key: str, r: dict[str, Any]) -> str:
    objective = r.get("objective", r.get("lp_bound"))
    shown = "-" if objective is None else f"{objective:.3f}"
    wall = r.get("wall")
    return (
        f"  {instance['name']:<18} {key:<16} {r.get('outcome', '?'):<14} {shown:>12}  "
        f"{'-' if wall is None else f'{wall:.1f}s':>7}  {r.get('peak_rss_mb') or '-'} MB"
    )


@contextmanager
def cpu_load(on: bool) -> Iterator[None]:
    """With ``on``: one pure-Python busy loop in a subprocess for the whole run (a busy laptop)."""
    if not on:
        yield
        return
    burner = subprocess.Popen([sys.executable, "-c", "while True:\n    pass"])
    try:
        yield
    finally:
        burner.kill()
        burner.wait()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    add = parser.add_argument
    add("--suite", choices=sorted(SUITES), help="a preset (final: the README's tables)")
    add("--quick", action="store_true", help="same as --suite quick (< 4 min on 2 cores)")
    add("--family", choices=[*FAMILIES, "all"], default="all")
    sizes = sorted({n for table in SIZED.values() for n in table})
    add("--sizes", type=int, nargs="+", choices=sizes, help="scarce / stress sizes")
    add(
        "--budgets",
        type=float,
        nargs="+",
        help="seconds; icld and highs run at each (greedy once, the LP at --lp-time-limit)",
    )
    add("--workers", type=int, nargs="+", default=[2], help="CP-SAT workers / HiGHS threads")
    add("--seeds", type=int, help="instances (seeds 0..N-1) per family and size")
    add("--peers", nargs="+", choices=ALL_PEERS, default=list(ALL_PEERS))
    add("--lp-time-limit", dest="lp_limit", type=float, help="LP reference (default: max budget)")
    add("--load", action="store_true", help="run one CPU-burning process beside the suite")
    add("--memory-limit-gb", type=float, default=12.0)
    add("--max-binaries", type=int, default=4_000_000, help="HiGHS model cap")
    add("--out", type=Path, default=RESULTS)
    add("--append", action="store_true", help="merge into existing results.json")
    add("--report-only", action="store_true", help="rewrite results.md and plots from the JSON")
    add("--dry-run", action="store_true", help="print the task list and estimate, run nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out: Path = args.out
    previous: list[dict[str, Any]] = []
    commands: list[str] = []
    if (args.append or args.report_only) and (out / "results.json").exists():
        old = json.loads((out / "results.json").read_text())
        previous, commands = old["instances"], old["meta"].get("commands", [])
        if args.report_only:
            meta = old["meta"]
            _write(out, previous, [], commands, meta.get("total_seconds"), meta)
            return 0
    specs = plan(args)
    estimated = describe_plan(specs, args)
    if args.dry_run:
        return 0
    out.mkdir(parents=True, exist_ok=True)
    commands.append(
        "python benchmarks/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    )
    started = time.perf_counter()
    done: list[dict[str, Any]] = []
    with cpu_load(args.load):
        for spec in specs:
            for seed in spec.seeds:
                done.append(_run_instance(spec, seed, args, previous))
                _write(out, previous, done, commands, None, {"estimated_seconds": estimated})
    total = time.perf_counter() - started
    print(f"total {total:.0f} s (estimated {estimated:.0f} s); results in {out}", flush=True)
    _write(out, previous, done, commands, total, {"estimated_seconds": estimated})
    return 0


def _run_instance(
    spec: Spec, seed: int, args: argparse.Namespace, previous: list[dict[str, Any]]
) -> dict[str, Any]:
    """Run every task of one instance; with --append, rows not rerun now are kept."""
    instance = _describe(spec.family, seed, spec.size)
    same = [i for i in previous if i["name"] == instance["name"]]
    if same:
        instance["rows"] = dict(same[0].get("rows", {}))
    if spec.family in PEERLESS:
        instance["peers_na"] = PEERLESS[spec.family]
    print(
        f"{instance['name']}: {instance['participants']} participants, "
        f"{instance['hosts']} hosts, {instance['cohorts']} cohorts",
        flush=True,
    )
    for task in tasks(spec, seed, args):
        result = run_task(task, memory_limit_mb=args.memory_limit_gb * 1024)
        instance["rows"][task.key] = result
        print(_line(instance, task.key, result), flush=True)
    derive(instance)
    return instance


def _write(
    out: Path,
    previous: list[dict[str, Any]],
    done: list[dict[str, Any]],
    commands: list[str],
    total: float | None,
    extra: dict[str, Any],
) -> None:
    """results.json, results.md and the plots, from the kept and the new instances."""
    names = {i["name"] for i in done}
    instances = [i for i in previous if i["name"] not in names] + done
    order = {f: k for k, f in enumerate(FAMILIES)}
    instances.sort(key=lambda i: (order[i["family"]], i["size"] or 0, i["seed"]))
    for instance in instances:
        derive(instance)
    meta: dict[str, Any] = {
        **extra,
        "date": extra.get("date") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " && ".join(commands),
        "commands": commands,
        "machine": extra.get("machine") or machine(),
        "total_seconds": total,
        "one_shot": list(ONE_SHOT),
    }
    meta["targets"] = targets(instances)
    (out / "results.json").write_text(
        json.dumps({"meta": meta, "instances": instances}, indent=1, default=str) + "\n"
    )
    (out / "results.md").write_text(markdown(meta, instances))
    plots(out, instances)


if __name__ == "__main__":
    sys.exit(main())
