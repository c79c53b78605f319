"""Command line: ``icld-match solve | validate | explain | diagnose | replan | what-if | schema``
and the coordinators' verbs ``template | import | export | report`` (spreadsheets and HTML).

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
from .io.json_files import read_allocation, read_changes, read_problem, write_text_atomic
from .io.problem_files import read_problem_any
from .planning.replan import replan, what_if
from .records.errors import ProblemError
from .records.schema import json_schema
from .strategies.solve import Progress, solve

EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT = 0, 1, 2
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
    _workflow_parsers(commands)
    return parser


# --------------------------------------------------------------------------------------
# The coordinators' verbs: spreadsheets in, rosters and a printable report out
# --------------------------------------------------------------------------------------


def _workflow_parsers(commands: Any) -> None:
    template = commands.add_parser("template", help="Write an empty problem workbook and CSVs.")
    template.add_argument("dir", help="Folder for problem.xlsx and problem-csv/.")
    template.add_argument("--force", action="store_true", help="Overwrite existing files.")

    imp = commands.add_parser("import", help="Build a problem JSON from a workbook or CSVs.")
    imp.add_argument("source", help="Workbook (.xlsx) or folder of CSV files.")
    imp.add_argument("-o", "--out", required=True, help="Problem JSON to write.")

    export = commands.add_parser("export", help="Write rosters (or the problem) as sheets.")
    export.add_argument("problem", help="Problem JSON, workbook or CSV folder.")
    export.add_argument("allocation", nargs="?", help="Allocation JSON; without it the "
                        "problem itself is written as a workbook (the inverse of import).")
    export.add_argument("-o", "--out", required=True, help="Workbook (.xlsx) or CSV folder.")
    export.add_argument("--format", choices=["xlsx", "csv"], default=None,
                        help="Default: csv if --out has no .xlsx suffix, else xlsx.")
    export.add_argument("--audience", choices=["coordinators", "participants"],
                        default="coordinators", help="participants: no scores or fit.")

    report = commands.add_parser("report", help="Write a printable, self-contained HTML plan.")
    report.add_argument("problem", help="Problem JSON, workbook or CSV folder.")
    report.add_argument("allocation", help="Allocation JSON.")
    report.add_argument("-o", "--out", required=True, help="HTML file to write.")


def _cmd_template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .io.tables import write_csv_tables, write_xlsx_tables
    from .io.workbook import template_tables

    folder = Path(args.dir)
    book, csv_dir = folder / "problem.xlsx", folder / "problem-csv"
    if not args.force and (book.exists() or csv_dir.exists()):
        raise ProblemError.single(str(folder), "", "already holds a template; use --force")
    folder.mkdir(parents=True, exist_ok=True)
    tables = template_tables()
    write_xlsx_tables(book, tables)
    write_csv_tables(csv_dir, tables)
    print(f"wrote {book} and {csv_dir}/ (one CSV per sheet); fill them in, then "
          f"`icld-match import {book} -o problem.json`")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from .io.workbook import read_problem_tables

    problem, warnings = read_problem_tables(args.source)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    write_text_atomic(args.out, problem.to_json() + "\n")
    print(f"imported {len(problem.cohorts)} cohort(s), {len(problem.participants)} "
          f"participant(s), {len(problem.hosts)} host(s) into {args.out}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from .io.roster import roster_tables
    from .io.tables import write_csv_tables, write_xlsx_tables
    from .io.workbook import problem_to_tables

    problem = read_problem_any(args.problem)
    if args.allocation:
        allocation = read_allocation(args.allocation)
        tables = roster_tables(problem, allocation, args.audience)
    else:
        tables = problem_to_tables(problem)
    fmt = args.format or ("xlsx" if args.out.lower().endswith(".xlsx") else "csv")
    if fmt == "xlsx":
        write_xlsx_tables(args.out, tables)
    else:
        write_csv_tables(args.out, tables)
    print(f"wrote {len(tables)} sheet(s) to {args.out}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from .io.report import render_report

    problem = read_problem_any(args.problem)
    html = render_report(problem, read_allocation(args.allocation))
    write_text_atomic(args.out, html)
    print(f"wrote {args.out}")
    return EXIT_OK


def _print_progress(progress: Progress) -> None:
    print(
        f"  solution {progress.solutions}: objective {progress.objective:.3f} "
        + (
            "(greedy start)"
            if progress.best_bound is None
            else f"(bound {progress.best_bound:.3f})"
        )
        + f" at {progress.wall_time:.2f}s",
        file=sys.stderr,
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
    options = _checked_options(args)
    problem = read_problem_any(args.problem)
    allocation = solve(
        problem,
        log=args.log,
        on_progress=_print_progress if args.progress else None,
        allow_unplaced=args.allow_unplaced,
        strategy=args.strategy,
        **options,
    )
    if args.out:
        write_text_atomic(args.out, allocation.to_json() + "\n")
    print(allocation.summary(problem))
    return EXIT_OK if allocation.is_feasible() else EXIT_NO_SOLUTION


def _validate(args: argparse.Namespace) -> int:
    problem = read_problem_any(args.problem)
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
    explanation = explain(read_problem_any(args.problem), read_allocation(args.allocation))
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
    diagnosis = diagnose(read_problem_any(args.problem), time_limit=args.time_limit)
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
        workflow = {"template": _cmd_template, "import": _cmd_import,
                    "export": _cmd_export, "report": _cmd_report}
        if args.command in workflow:
            return workflow[args.command](args)
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
