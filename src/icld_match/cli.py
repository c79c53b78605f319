"""Command line: ``icld-match solve | validate | explain | diagnose | replan | what-if | schema``.

Exit codes: 0 success; 1 no valid allocation (solve, replan, what-if, diagnose) or
violations found (validate); 2 bad input (unreadable file, bad JSON, schema or
cross-record errors), one line per error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .analysis.check import check
from .analysis.diagnose import diagnose
from .analysis.explain import explain
from .engine.clock import StopFlag
from .io.json_files import read_allocation, read_changes, read_problem, write_text_atomic
from .planning.replan import replan, what_if
from .records.errors import ProblemError
from .records.schema import json_schema
from .strategies.solve import Progress, solve

EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT = 0, 1, 2
#: Exit codes after an interrupt: 128 + the signal number, as shells report it.
_SIGNAL_EXIT = {"SIGINT": 130, "SIGTERM": 143}
_INT32_MAX = 2**31 - 1  # CP-SAT's seed and worker count are 32-bit parameters


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icld-match", description="Plan ICLD internship teams and hosts with CP-SAT."
    )
    parser.add_argument("--version", action="version", version=f"icld-match {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("solve", help="Form teams, pick hosts, write the allocation.")
    run.add_argument("problem", help="Problem JSON file.")
    run.add_argument("--out", help="Where to write the allocation JSON (atomically).")
    run.add_argument(
        "--allow-unplaced",
        action="store_true",
        help="Place everyone who can be placed; list the others and why.",
    )
    _solver_options(run)
    run.add_argument(
        "--strategy",
        choices=["auto", "exact", "decompose", "shortlist"],
        default="auto",
        help="Formulation (default auto: exact up to 60,000 assignment literals, then "
        "decompose); see the README.",
    )
    run.add_argument("--progress", action="store_true", help="Print each improving solution.")
    run.add_argument("--log", action="store_true", help="Show CP-SAT's search log.")

    for name, text in (
        ("replan", "Re-plan after changes, moving as few participants as possible."),
        ("what-if", "Re-solve after changes and compare the score per term."),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("problem", help="Problem JSON file.")
        sub.add_argument("allocation", help="The current allocation JSON file.")
        sub.add_argument("changes", help="JSON list of changes (see the README).")
        sub.add_argument("--out", help="Where to write the new allocation JSON.")
        sub.add_argument("--problem-out", help="Where to write the changed problem JSON.")
        _solver_options(sub)

    diagnose_cmd = commands.add_parser("diagnose", help="Say why no allocation exists.")
    diagnose_cmd.add_argument("problem", help="Problem JSON file.")
    diagnose_cmd.add_argument("--time-limit", type=float, default=30.0, help="Seconds.")

    validate = commands.add_parser("validate", help="Check an allocation against a problem.")
    validate.add_argument("problem", help="Problem JSON file.")
    validate.add_argument("allocation", help="Allocation JSON file.")

    why = commands.add_parser("explain", help="Explain every team, host and score term.")
    why.add_argument("problem", help="Problem JSON file.")
    why.add_argument("allocation", help="Allocation JSON file.")
    why.add_argument("--json", action="store_true", help="Print the explanation as JSON.")

    commands.add_parser("schema", help="Print the JSON Schema of problem and allocation.")
    return parser


def _print_tick(elapsed: float, limit: float) -> None:
    """Before the first plan: the clock, so that a long preparation shows it is alive."""
    print(f"  {elapsed:.2f}s / {limit:g}s: searching, no plan yet", file=sys.stderr, flush=True)


def _print_progress(progress: Progress) -> None:
    """One line per better plan, named by the strategy that found it."""
    clock = f"{progress.wall_time:.2f}s / {progress.time_limit or 0:g}s"
    bound = "" if progress.best_bound is None else f", bound {progress.best_bound:.3f}"
    print(
        f"  {clock}: solution {progress.solutions} objective {progress.objective:.3f} "
        f"({progress.source}{bound})",
        file=sys.stderr,
        flush=True,
    )


def _solver_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time-limit", type=float, default=30.0, help="Seconds (default 30).")
    parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
    parser.add_argument(
        "--workers", type=int, default=None, help="CP-SAT workers (default: cores)."
    )


def _checked_options(args: argparse.Namespace) -> dict[str, Any]:
    if not args.time_limit > 0:  # also rejects nan, which `<= 0` lets through
        raise ProblemError.single("--time-limit", "", "must be a positive number of seconds")
    if args.workers is not None and not 1 <= args.workers <= _INT32_MAX:
        raise ProblemError.single("--workers", "", f"must be between 1 and {_INT32_MAX}")
    if not -_INT32_MAX - 1 <= args.seed <= _INT32_MAX:
        raise ProblemError.single(
            "--seed", "", f"must be between {-_INT32_MAX - 1} and {_INT32_MAX}"
        )
    return {"time_limit": args.time_limit, "seed": args.seed, "workers": args.workers}


def _solve(args: argparse.Namespace) -> int:
    """Solve; on Ctrl-C (SIGINT) or SIGTERM the best plan so far is still written, and the
    exit code is 130 or 143 as a shell expects of an interrupted command."""
    options = _checked_options(args)
    problem = read_problem(args.problem)
    stop = StopFlag()
    allocation = solve(
        problem,
        log=args.log,
        on_progress=_print_progress if args.progress else None,
        on_tick=_print_tick if args.progress else None,
        allow_unplaced=args.allow_unplaced,
        strategy=args.strategy,
        stop=stop,
        **options,
    )
    if args.out:
        write_text_atomic(args.out, allocation.to_json() + "\n")
    print(allocation.summary(problem))
    if stop.reason in _SIGNAL_EXIT:
        return _SIGNAL_EXIT[stop.reason]
    return EXIT_OK if allocation.is_feasible() else EXIT_NO_SOLUTION


def _validate(args: argparse.Namespace) -> int:
    problem = read_problem(args.problem)
    allocation = read_allocation(args.allocation)
    violations = check(problem, allocation)
    for violation in violations:
        print(f"{violation.rule}: {violation.message}")
    if violations:
        print(f"invalid: {len(violations)} violation{'s' * (len(violations) != 1)}")
        return EXIT_NO_SOLUTION
    print(f"valid: {len(allocation.teams)} teams, every hard rule holds")
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    """Explaining never fails on a broken allocation: breaches are part of the report."""
    explanation = explain(read_problem(args.problem), read_allocation(args.allocation))
    print(explanation.model_dump_json(indent=2) if args.json else explanation.to_text())
    return EXIT_OK


def _replan(args: argparse.Namespace) -> int:
    options = _checked_options(args)
    problem = read_problem(args.problem)
    allocation = read_allocation(args.allocation)
    changes = read_changes(args.changes)
    run = replan if args.command == "replan" else what_if
    outcome = run(problem, allocation, changes, **options)
    if args.out:
        write_text_atomic(args.out, outcome.allocation.to_json() + "\n")
    if args.problem_out:
        write_text_atomic(args.problem_out, outcome.problem.to_json() + "\n")
    print(outcome.summary())
    return EXIT_OK if outcome.allocation.is_feasible() else EXIT_NO_SOLUTION


def _diagnose(args: argparse.Namespace) -> int:
    if not args.time_limit > 0:
        raise ProblemError.single("--time-limit", "", "must be a positive number of seconds")
    diagnosis = diagnose(read_problem(args.problem), time_limit=args.time_limit)
    if diagnosis.feasible:
        print("feasible: an allocation satisfying every hard rule exists")
        return EXIT_OK
    print("\n".join(diagnosis.reasons()))
    return EXIT_NO_SOLUTION


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "solve":
            return _solve(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "explain":
            return _explain(args)
        if args.command in ("replan", "what-if"):
            return _replan(args)
        if args.command == "diagnose":
            return _diagnose(args)
        print(json_schema())
        return EXIT_OK
    except ProblemError as error:
        for issue in error.issues:
            print(f"error: {issue}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
