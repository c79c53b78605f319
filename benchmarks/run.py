"""Run the benchmark suite and write results.md, results.json and the plots.

    python benchmarks/run.py --quick                      # < 3 min on 2 cores
    python benchmarks/run.py --family all                 # cohort, season, stress 1000/2500
    python benchmarks/run.py --family stress --sizes 10000 --append
    python benchmarks/run.py --report-only                # rewrite results.md and the plots

See benchmarks/README.md for what is measured.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` (and the src tree) importable
    _ROOT = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(_ROOT))
    if importlib.util.find_spec("icld_match") is None:
        sys.path.insert(0, str(_ROOT / "src"))

from benchmarks.common import open_hosts
from benchmarks.generate import FAMILIES, STRESS_HOSTS, generate_instance
from benchmarks.harness import LP, PEERS, Task, machine, run_task
from benchmarks.report import derive, markdown, plots, targets

RESULTS = Path(__file__).resolve().parent / "results"
#: Default time limit (s) per family, and the default number of seeds.
DEFAULT_LIMIT = {"cohort": 10.0, "season": 10.0, "stress": 60.0}
DEFAULT_SEEDS = {"cohort": 3, "season": 3, "stress": 1}
DEFAULT_SIZES = (1000, 2500)
#: --quick: (family, seeds, sizes, time limit); measured at ~2.5 min on 2 cores.
QUICK: tuple[tuple[str, tuple[int, ...], tuple[int | None, ...], float], ...] = (
    ("cohort", (0,), (None,), 5.0),
    ("season", (0, 1), (None,), 10.0),
    ("stress", (0,), (1000,), 20.0),
)


def plan(args: argparse.Namespace) -> list[tuple[str, int, int | None, float]]:
    """(family, seed, size, time limit) for every instance to run."""
    if args.quick:
        return [
            (family, seed, size, args.time_limit or limit)
            for family, seeds, sizes, limit in QUICK
            for size in sizes
            for seed in seeds
        ]
    families = FAMILIES if args.family == "all" else (args.family,)
    out: list[tuple[str, int, int | None, float]] = []
    for family in families:
        seeds = range(args.seeds if args.seeds is not None else DEFAULT_SEEDS[family])
        sizes: list[int | None] = list(args.sizes) if family == "stress" else [None]
        limit = args.time_limit or DEFAULT_LIMIT[family]
        out += [(family, seed, size, limit) for size in sizes for seed in seeds]
    return out


def _describe(family: str, seed: int, size: int | None, limit: float) -> dict[str, Any]:
    instance = generate_instance(family, seed, size)
    problem = instance.problem
    return {
        "name": instance.name,
        "family": family,
        "seed": seed,
        "size": size,
        "time_limit": limit,
        "participants": len(problem.participants),
        "hosts": len(problem.hosts),
        "cohorts": len(problem.cohorts),
        "allowed_pairs": int(open_hosts(problem).sum()),
        "pins": len(problem.pins),
        "keep_together": len(problem.keep_together),
        "keep_apart": len(problem.keep_apart),
        "repaired": instance.repaired,
        "results": {},
    }


def _line(instance: dict[str, Any], peer: str, r: dict[str, Any]) -> str:
    objective = r.get("objective", r.get("lp_bound"))
    shown = "-" if objective is None else f"{objective:.3f}"
    wall = r.get("wall")
    return (
        f"  {instance['name']:<18} {peer:<7} {r.get('outcome', '?'):<14} {shown:>12}  "
        f"{'-' if wall is None else f'{wall:.1f}s':>7}  {r.get('peak_rss_mb') or '-'} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--family", choices=[*FAMILIES, "all"], default="all")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        choices=sorted(STRESS_HOSTS),
        help="stress sizes (participants)",
    )
    parser.add_argument("--time-limit", type=float, help="seconds per peer and instance")
    parser.add_argument("--seeds", type=int, help="instances (seeds 0..N-1) per family and size")
    parser.add_argument("--quick", action="store_true", help="small suite, < 3 min on 2 cores")
    parser.add_argument("--peers", nargs="+", choices=[*PEERS, LP], default=[*PEERS, LP])
    parser.add_argument(
        "--lp-time-limit", type=float, help="seconds for the LP reference (default: as peers)"
    )
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers / HiGHS threads")
    parser.add_argument("--memory-limit-gb", type=float, default=12.0)
    parser.add_argument("--max-binaries", type=int, default=4_000_000, help="HiGHS model cap")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--append", action="store_true", help="merge into existing results.json")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite results.md and plots from the JSON"
    )
    args = parser.parse_args(argv)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    previous: list[dict[str, Any]] = []
    commands: list[str] = []
    if (args.append or args.report_only) and (out / "results.json").exists():
        old = json.loads((out / "results.json").read_text())
        previous, commands = old["instances"], old["meta"].get("commands", [])
        if args.report_only:
            for instance in previous:
                derive(instance)
            total = old["meta"].get("total_seconds")
            _write(out, previous, [], args, commands, total, date=old["meta"]["date"])
            return 0
    command = "python benchmarks/run.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    commands.append(command)

    started = time.perf_counter()
    done: list[dict[str, Any]] = []
    for family, seed, size, limit in plan(args):
        instance = _describe(family, seed, size, limit)
        instance["lp_time_limit"] = args.lp_time_limit or limit
        same = [i for i in previous if i["name"] == instance["name"]]
        if same and same[0]["time_limit"] == limit:  # --append: keep peers not rerun now
            instance["results"] = dict(same[0]["results"])
            if LP not in args.peers:
                instance["lp_time_limit"] = same[0].get("lp_time_limit", limit)
        print(
            f"{instance['name']}: {instance['participants']} participants, "
            f"{instance['hosts']} hosts, T = {limit:g} s",
            flush=True,
        )
        for peer in args.peers:
            budget = args.lp_time_limit or limit if peer == LP else limit
            task = Task(family, seed, size, peer, budget, args.workers, args.max_binaries)
            result = run_task(task, memory_limit_mb=args.memory_limit_gb * 1024)
            instance["results"][peer] = result
            print(_line(instance, peer, result), flush=True)
        derive(instance)
        done.append(instance)
        _write(out, previous, done, args, commands)
    total = time.perf_counter() - started
    print(f"total {total:.0f} s; results in {out}", flush=True)
    _write(out, previous, done, args, commands, total)
    return 0


def _write(
    out: Path,
    previous: list[dict[str, Any]],
    done: list[dict[str, Any]],
    args: argparse.Namespace,
    commands: list[str],
    total: float | None = None,
    date: str | None = None,
) -> None:
    names = {i["name"] for i in done}
    instances = [i for i in previous if i["name"] not in names] + done
    order = {f: k for k, f in enumerate(FAMILIES)}
    instances.sort(key=lambda i: (order[i["family"]], i["size"] or 0, i["seed"]))
    meta: dict[str, Any] = {
        "date": date or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " && ".join(commands),
        "commands": commands,
        "machine": machine(),
        "workers": args.workers,
        "quick": args.quick,
        "total_seconds": total,
    }
    meta["targets"] = targets(instances)
    (out / "results.json").write_text(
        json.dumps({"meta": meta, "instances": instances}, indent=1, default=str) + "\n"
    )
    (out / "results.md").write_text(markdown(meta, instances))
    plots(out, instances)


if __name__ == "__main__":
    sys.exit(main())
