"""Command line: ``icld-match solve | validate | explain | diagnose | replan | what-if | schema``
and the coordinators' verbs ``template | import | export | report`` (spreadsheets and HTML).

Exit codes: 0 success; 1 no valid allocation (solve, replan, what-if, diagnose) or
violations found (validate); 2 bad input (unreadable file, bad JSON, schema or
cross-record errors, an ``--out`` that cannot be written), one line per error.

Input files are never modified. ``--out`` never loses a plan: it is replaced only by a
result at least as good for the same problem (or with ``--force``); anything else goes
to ``NAME.rejected.json`` beside it, and a last line says what was written where.
"""

from __future__ import annotations

import argparse
import io
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

# Only the standard library is imported up front: ``--help`` and usage errors must answer
# at once. pydantic, OR-Tools and the spreadsheet libraries load inside the verbs.
if TYPE_CHECKING:
    from .records.result import Allocation
    from .records.schema import Problem
    from .strategies.solve import Progress

EXIT_OK, EXIT_NO_SOLUTION, EXIT_BAD_INPUT = 0, 1, 2
#: Exit codes after an interrupt: 128 + the signal number, as shells report it.
_SIGNAL_EXIT = {"SIGINT": 130, "SIGTERM": 143}
#: ``diagnose``'s time limit: the same as :func:`icld_match.diagnose`'s default (a test
#: holds them equal), so the CLI and the Python API give the same answer.
DIAGNOSE_TIME_LIMIT = 10.0
SCHEMA_NAMES = ("problem", "allocation", "changes", "explanation")
_BAD_INPUT = (
    "2  bad input: unreadable file, bad JSON, schema or cross-record errors, or an\n"
    "     output that cannot be written (one 'error:' line each on stderr)"
)


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the hand-wrapped description and epilog; add each option's default."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = "default" in text or action.default in (None, False, argparse.SUPPRESS)
        if action.option_strings and not shown:
            text += " (default: %(default)s)"
        return text


def _verb(
    commands: Any,
    name: str,
    summary: str,
    detail: str,
    examples: Sequence[str],
    exits: Sequence[str],
) -> argparse.ArgumentParser:
    """A subcommand whose --help says what it does, how to call it and how it exits."""
    epilog = "examples:\n" + "".join(f"  {e}\n" for e in examples)
    epilog += "\nexit codes:\n" + "".join(f"  {x}\n" for x in exits)
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\n{textwrap.dedent(detail).strip()}",
        epilog=epilog,
        formatter_class=_HelpFormatter,
    )
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icld-match",
        description="Plan ICLD internship teams and hosts with CP-SAT.",
        epilog="Run `icld-match VERB --help` for a verb's options, examples and exit codes.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"icld-match {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="VERB")
    _solve_parser(commands)
    _replan_parsers(commands)
    _check_parsers(commands)
    _workflow_parsers(commands)
    return parser


def _solve_parser(commands: Any) -> None:
    run = _verb(
        commands,
        "solve",
        "Form teams, pick hosts, write the allocation.",
        """
        Reads a problem (JSON, .xlsx workbook or CSV folder), prints a summary (status,
        objective by term, one line per team) and, with --out, writes the allocation
        JSON. --out is never replaced by a worse plan of the same problem: such a result
        goes to NAME.rejected.json beside it (--force replaces anyway). Ctrl-C ends the
        search and still writes the best plan found so far.
        """,
        [
            "icld-match solve problem.json --out plan.json",
            "icld-match solve problem.xlsx --out plan.json --time-limit 120 --progress",
            "icld-match solve problem.json --allow-unplaced --workers 1 --seed 7",
        ],
        [
            "0  a plan that satisfies every hard rule (optimal or feasible)",
            "1  no valid allocation (the reasons are printed)",
            _BAD_INPUT,
            "130/143  interrupted by Ctrl-C/SIGTERM; the best plan so far is written",
        ],
    )
    run.add_argument("problem", help="Problem JSON file, workbook (.xlsx) or CSV folder.")
    run.add_argument(
        "--out",
        help="Where to write the allocation JSON, atomically (default: print the summary only).",
    )
    _force_option(run)
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
        help="Formulation (default auto: the anytime portfolio; exact up to 60,000 "
        "assignment literals, then decompose); see the README.",
    )
    run.add_argument("--progress", action="store_true", help="Print each improving solution.")
    run.add_argument("--log", action="store_true", help="Show CP-SAT's search log.")


def _replan_parsers(commands: Any) -> None:
    for name, summary, detail in (
        (
            "replan",
            "Re-plan after changes, moving as few participants as possible.",
            "First minimises the number of participants who change host, then maximises the "
            "objective among plans with that many moves. Prints every move and why.",
        ),
        (
            "what-if",
            "Re-solve after changes and compare the score per term.",
            "Solves the changed problem from scratch (warm-started from the current plan) "
            "and prints the difference per objective term, so a coordinator sees what a "
            "change would cost before agreeing to it.",
        ),
    ):
        sub = _verb(
            commands,
            name,
            summary,
            detail + "\nThe changes file is a JSON list such as "
            '[{"kind": "dropout", "participant": "P07"}]; see `icld-match schema changes`.',
            [
                f"icld-match {name} problem.json plan.json changes.json --out plan2.json",
                f"icld-match {name} problem.json plan.json changes.json "
                "--problem-out problem2.json --time-limit 60",
            ],
            ["0  a valid plan after the changes", "1  no valid plan after the changes", _BAD_INPUT],
        )
        sub.add_argument("problem", help="Problem JSON file, workbook or CSV folder.")
        sub.add_argument("allocation", help="The current allocation JSON file.")
        sub.add_argument("changes", help="JSON list of changes (see the README).")
        sub.add_argument(
            "--out", help="Where to write the new allocation JSON (default: not written)."
        )
        sub.add_argument(
            "--problem-out", help="Where to write the changed problem JSON (default: not written)."
        )
        _force_option(sub)
        _solver_options(sub)


def _check_parsers(commands: Any) -> None:
    """The verbs that read a problem or a plan without solving it: why no plan exists,
    whether a plan holds, why it looks as it does, and the file formats."""
    _diagnose_parser(commands)
    _validate_parser(commands)
    _explain_parser(commands)
    _schema_parser(commands)


def _diagnose_parser(commands: Any) -> None:
    """``diagnose``: the pre-checks, then a smallest set of conflicting rules."""
    diagnose_cmd = _verb(
        commands,
        "diagnose",
        "Say why no allocation exists.",
        """
        Runs quick counting checks first (language, capacity, dates), then asks CP-SAT
        for a smallest set of rules that cannot hold together, and names the records.
        """,
        ["icld-match diagnose problem.json", "icld-match diagnose problem.xlsx --time-limit 60"],
        ["0  an allocation exists", "1  none exists; the reasons are printed", _BAD_INPUT],
    )
    diagnose_cmd.add_argument("problem", help="Problem JSON file, workbook or CSV folder.")
    diagnose_cmd.add_argument(
        "--time-limit",
        type=float,
        default=DIAGNOSE_TIME_LIMIT,
        help="Seconds for the search, as icld_match.diagnose()",
    )


def _validate_parser(commands: Any) -> None:
    """``validate``: every hard rule re-checked independently of the solver."""
    validate = _verb(
        commands,
        "validate",
        "Check an allocation against a problem.",
        "Re-checks every hard rule independently of the solver; prints one line per "
        "breach, named by its rule.",
        ["icld-match validate problem.json plan.json"],
        ["0  valid: every hard rule holds", "1  violations found (one line each)", _BAD_INPUT],
    )
    validate.add_argument("problem", help="Problem JSON file, workbook or CSV folder.")
    validate.add_argument("allocation", help="Allocation JSON file.")


def _explain_parser(commands: Any) -> None:
    """``explain``: every team, participant and term, as text or JSON."""
    why = _verb(
        commands,
        "explain",
        "Explain every team, host and score term.",
        "Says for every team why it goes where it goes, for every participant how their "
        "host ranks among those open to them, and what each objective term adds. A broken "
        "allocation is explained too: its breaches are part of the report.",
        [
            "icld-match explain problem.json plan.json",
            "icld-match explain problem.json plan.json --json > explanation.json",
        ],
        ["0  explained (even when the allocation breaks rules)", _BAD_INPUT],
    )
    why.add_argument("problem", help="Problem JSON file, workbook or CSV folder.")
    why.add_argument("allocation", help="Allocation JSON file.")
    why.add_argument("--json", action="store_true", help="Print the explanation as JSON.")


def _schema_parser(commands: Any) -> None:
    """``schema``: the JSON Schema of one file format, or of problem and allocation together."""
    schema = _verb(
        commands,
        "schema",
        "Print a JSON Schema (draft 2020-12) of a file format.",
        "For other systems that read or write icld-match's files. Without a name, one "
        'JSON object {"problem": ..., "allocation": ...} holding both schemas is printed '
        "(the output of earlier versions).",
        ["icld-match schema problem > problem.schema.json", "icld-match schema changes"],
        ["0  always"],
    )
    schema.add_argument(
        "name",
        nargs="?",
        choices=SCHEMA_NAMES,
        help="Which file format (default: problem and allocation together).",
    )


# --------------------------------------------------------------------------------------
# The coordinators' verbs: spreadsheets in, rosters and a printable report out
# --------------------------------------------------------------------------------------


def _workflow_parsers(commands: Any) -> None:
    """The coordinators' verbs: spreadsheets in, rosters and a printable report out."""
    _template_parser(commands)
    _import_parser(commands)
    _export_parser(commands)
    _report_parser(commands)


def _template_parser(commands: Any) -> None:
    """``template``: an empty workbook and CSVs to fill in."""
    template = _verb(
        commands,
        "template",
        "Write an empty problem workbook and CSVs.",
        "Writes DIR/problem.xlsx and DIR/problem-csv/ (one CSV per sheet), with example "
        "rows and a comment on every header cell saying what to write.",
        ["icld-match template planning-2026", "icld-match template planning-2026 --force"],
        ["0  written", "2  DIR already holds a template (use --force), or cannot be written"],
    )
    template.add_argument("dir", help="Folder for problem.xlsx and problem-csv/.")
    template.add_argument("--force", action="store_true", help="Overwrite existing files.")


def _import_parser(commands: Any) -> None:
    """``import``: a problem JSON from the filled-in workbook or CSVs."""
    imp = _verb(
        commands,
        "import",
        "Build a problem JSON from a workbook or CSVs.",
        "Reads the sheets written by `template`; names of countries and languages become "
        "one spelling each. Every error names the sheet, row and column.",
        [
            "icld-match import planning-2026/problem.xlsx -o problem.json",
            "icld-match import planning-2026/problem-csv -o problem.json",
        ],
        ["0  imported (warnings, if any, on stderr)", _BAD_INPUT],
    )
    imp.add_argument("source", help="Workbook (.xlsx) or folder of CSV files.")
    imp.add_argument("-o", "--out", required=True, help="Problem JSON to write.")


def _export_parser(commands: Any) -> None:
    """``export``: rosters of a plan, or the problem itself, as sheets."""
    export = _verb(
        commands,
        "export",
        "Write rosters (or the problem) as sheets.",
        "With an allocation: rosters per team, host and participant. Without one: the "
        "problem itself as a workbook (the inverse of import).",
        [
            "icld-match export problem.json plan.json -o rosters.xlsx",
            "icld-match export problem.json plan.json -o rosters --audience participants",
            "icld-match export problem.json -o problem.xlsx",
        ],
        ["0  written", _BAD_INPUT],
    )
    export.add_argument("problem", help="Problem JSON, workbook or CSV folder.")
    export.add_argument(
        "allocation",
        nargs="?",
        help="Allocation JSON (default: none; the "
        "problem itself is written as a workbook, the inverse of import).",
    )
    export.add_argument("-o", "--out", required=True, help="Workbook (.xlsx) or CSV folder.")
    export.add_argument(
        "--format",
        choices=["xlsx", "csv"],
        default=None,
        help="Sheet format (default: xlsx if --out ends in .xlsx, else csv).",
    )
    export.add_argument(
        "--audience",
        choices=["coordinators", "participants"],
        default="coordinators",
        help="participants: no scores or fit.",
    )


def _report_parser(commands: Any) -> None:
    """``report``: the plan as one printable HTML file."""
    report = _verb(
        commands,
        "report",
        "Write a printable, self-contained HTML plan.",
        "One HTML file with no external resources: the plan per cohort and host, ready "
        "to print or mail.",
        ["icld-match report problem.json plan.json -o plan.html"],
        ["0  written", _BAD_INPUT],
    )
    report.add_argument("problem", help="Problem JSON, workbook or CSV folder.")
    report.add_argument("allocation", help="Allocation JSON.")
    report.add_argument("-o", "--out", required=True, help="HTML file to write.")


def _cmd_template(args: argparse.Namespace) -> int:
    from .io.tables import write_csv_tables, write_xlsx_tables
    from .io.workbook import template_tables
    from .records.errors import ProblemError

    folder = Path(args.dir)
    book, csv_dir = folder / "problem.xlsx", folder / "problem-csv"
    if not args.force and (book.exists() or csv_dir.exists()):
        raise ProblemError.single(str(folder), "", "already holds a template; use --force")
    folder.mkdir(parents=True, exist_ok=True)
    tables = template_tables()
    write_xlsx_tables(book, tables)
    write_csv_tables(csv_dir, tables)
    print(
        f"wrote {book} and {csv_dir}/ (one CSV per sheet); fill them in, then "
        f"`icld-match import {book} -o problem.json`"
    )
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from .io.json_files import write_text_atomic
    from .io.workbook import read_problem_tables

    _check_outputs({"--out": args.out}, [args.source])
    problem, warnings = read_problem_tables(args.source)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    write_text_atomic(args.out, problem.to_json() + "\n")
    print(
        f"imported {len(problem.cohorts)} cohort(s), {len(problem.participants)} "
        f"participant(s), {len(problem.hosts)} host(s) into {args.out}"
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from .io.json_files import load_allocation
    from .io.problem_files import load_problem_any
    from .io.roster import roster_tables
    from .io.tables import write_csv_tables, write_xlsx_tables
    from .io.workbook import problem_to_tables

    _check_outputs({"--out": args.out}, [args.problem, args.allocation], files=False)
    problem = load_problem_any(args.problem)
    if args.allocation:
        allocation = load_allocation(args.allocation)
        _warn_if_not_a_plan_of(problem, allocation, args.allocation)
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


def _warn_if_not_a_plan_of(problem: Problem, allocation: Allocation, source: str) -> None:
    """Rosters are printed and handed out: say so when they come from a plan made for
    another problem or one that breaks a hard rule (``report`` shows the breaches)."""
    from .analysis.check import check
    from .records.result import problem_sha256

    if allocation.problem_sha256 and allocation.problem_sha256 != problem_sha256(problem):
        print(f"warning: {source} was made for another problem (problem_sha256)", file=sys.stderr)
    broken = check(problem, allocation)
    if broken:
        print(
            f"warning: {source} breaks {len(broken)} hard rule(s) of this problem "
            f"(icld-match validate lists them)",
            file=sys.stderr,
        )


def _cmd_report(args: argparse.Namespace) -> int:
    from .io.json_files import load_allocation, write_text_atomic
    from .io.problem_files import load_problem_any
    from .io.report import render_report

    _check_outputs({"--out": args.out}, [args.problem, args.allocation])
    problem = load_problem_any(args.problem)
    html = render_report(problem, load_allocation(args.allocation))
    write_text_atomic(args.out, html)
    print(f"wrote {args.out}")
    return EXIT_OK


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


_OPTION_NAMES = {"time_limit": "--time-limit", "seed": "--seed", "workers": "--workers"}


def _checked_options(args: argparse.Namespace) -> dict[str, Any]:
    """The run options, refused as the Python API refuses them (``records.options``)."""
    from .records.options import check_options

    check_options(args.time_limit, args.seed, args.workers, _OPTION_NAMES)
    return {"time_limit": args.time_limit, "seed": args.seed, "workers": args.workers}


def _solve(args: argparse.Namespace) -> int:
    """Solve; on Ctrl-C (SIGINT) or SIGTERM the best plan so far is still written, and the
    exit code is 130 or 143 as a shell expects of an interrupted command."""
    from .engine.clock import StopFlag
    from .io.problem_files import load_problem_any
    from .strategies.solve import solve

    options = _checked_options(args)
    _check_outputs({"--out": args.out}, [args.problem])
    problem = load_problem_any(args.problem)
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
    saved = save_allocation(args.out, allocation, problem, force=args.force) if args.out else ""
    print(allocation.summary(problem))
    if saved:
        print(saved)
    if stop.reason in _SIGNAL_EXIT:
        return _SIGNAL_EXIT[stop.reason]
    return EXIT_OK if allocation.is_feasible() else EXIT_NO_SOLUTION


def _validate(args: argparse.Namespace) -> int:
    from .analysis.check import check
    from .io.json_files import load_allocation
    from .io.problem_files import load_problem_any

    problem = load_problem_any(args.problem)
    allocation = load_allocation(args.allocation)
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
    from .analysis.explain import explain
    from .io.json_files import load_allocation
    from .io.problem_files import load_problem_any

    explanation = explain(load_problem_any(args.problem), load_allocation(args.allocation))
    print(explanation.model_dump_json(indent=2) if args.json else explanation.to_text())
    return EXIT_OK


def _replan(args: argparse.Namespace) -> int:
    from .io.json_files import load_allocation, load_changes, write_text_atomic
    from .io.problem_files import load_problem_any
    from .planning.replan import replan, what_if

    options = _checked_options(args)
    outputs = {"--out": args.out, "--problem-out": args.problem_out}
    _check_outputs(outputs, [args.problem, args.allocation, args.changes])
    problem = load_problem_any(args.problem)
    allocation = load_allocation(args.allocation)
    changes = load_changes(args.changes)
    run = replan if args.command == "replan" else what_if
    outcome = run(problem, allocation, changes, **options)
    saved = (
        save_allocation(args.out, outcome.allocation, outcome.problem, force=args.force)
        if args.out
        else ""
    )
    if args.problem_out:
        write_text_atomic(args.problem_out, outcome.problem.to_json() + "\n")
    print(outcome.summary())
    if saved:
        print(saved)
    return EXIT_OK if outcome.allocation.is_feasible() else EXIT_NO_SOLUTION


def _diagnose(args: argparse.Namespace) -> int:
    from .analysis.diagnose import diagnose
    from .io.problem_files import load_problem_any
    from .records.options import check_options

    check_options(args.time_limit, 0, None, _OPTION_NAMES)
    diagnosis = diagnose(load_problem_any(args.problem), time_limit=args.time_limit)
    if diagnosis.feasible:
        print("feasible: an allocation satisfying every hard rule exists")
        return EXIT_OK
    print("\n".join(diagnosis.reasons()))
    return EXIT_NO_SOLUTION


# --------------------------------------------------------------------------------------
# Output safety: never lose a plan, fail before solving, print whatever the terminal
# --------------------------------------------------------------------------------------


def _force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="Replace --out even when it holds a better plan or the result has none.",
    )


def _check_outputs(
    outputs: dict[str, Any], inputs: Sequence[str | None] = (), *, files: bool = True
) -> None:
    """Before any work, each output (option -> path; None: not asked for) must be named,
    none of the command's inputs and no other output (a plan written over its problem
    destroys it), and with ``files`` a new or regular file in a writable folder (not a
    device: ``--out /dev/full`` used to be read whole). Exit 2 naming every path at once."""
    from .io.json_files import check_writable
    from .records.errors import ProblemError, ProblemIssue

    issues: list[ProblemIssue] = []
    named: dict[str, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        if not isinstance(path, str) or not path.strip():
            issues.append(ProblemIssue(option, "", "needs a file name"))
            continue
        try:
            if files:
                check_writable(path)
                if Path(path).exists() and not Path(path).is_file():
                    raise ProblemError.single(path, "", "is not a regular file")
        except ProblemError as error:
            issues += error.issues
            continue
        clashes = [f"the input {s}" for s in inputs if s and _same_path(path, s)]
        clashes += [other for other, seen in named.items() if _same_path(path, seen)]
        if clashes:
            message = f"is also {', '.join(clashes)}; give {option} another file name"
            issues.append(ProblemIssue(path, "", message))
        named[option] = path
    if issues:
        raise ProblemError(issues)


def _same_path(a: str, b: str) -> bool:
    """Whether two paths name one file (links and ``./`` included)."""
    try:
        if Path(a).exists() and Path(b).exists():
            return Path(a).samefile(b)
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, ValueError):
        return False


def rejected_path(out: str | Path) -> Path:
    """``plan.json`` -> ``plan.rejected.json``: where a result goes that must not replace it."""
    target = Path(out)
    return target.with_name(f"{target.stem}.rejected{target.suffix or '.json'}")


#: Larger files are not read as plans (a 10,000-person plan is about 3 MB).
_MAX_PLAN_BYTES = 256 * 2**20


def _existing_plan(out: Path, problem: Problem) -> Allocation | None:
    """The allocation in ``out`` if it is a valid plan of this very problem, else None."""
    from .analysis.check import check
    from .records.errors import ProblemError
    from .records.result import Allocation, problem_sha256

    try:
        if out.stat().st_size > _MAX_PLAN_BYTES:
            return None
        existing = Allocation.from_json(out.read_bytes())
    except (OSError, ProblemError):
        return None
    if existing.problem_sha256 and existing.problem_sha256 != problem_sha256(problem):
        return None  # made for another problem: its score says nothing about this one
    placed = {m for team in existing.teams for m in team.members}
    same_people = placed | {u.participant for u in existing.unplaced} == {
        p.id for p in problem.participants
    }
    if not existing.is_feasible() or not same_people or check(problem, existing):
        return None
    return existing


def _objective(problem: Problem, allocation: Allocation) -> float:
    from .analysis.check import score

    return sum(t.contribution for t in score(problem, allocation))


def save_allocation(
    out: str | Path, allocation: Allocation, problem: Problem, *, force: bool = False
) -> str:
    """Write ``allocation`` to ``out`` unless that would lose a plan; say what was done.

    ``out`` is replaced when forced, when it holds no plan and the result is one, or when
    it holds a valid plan of the same problem that the result matches or beats (both
    re-scored from the rules, fully placed plans before partial ones). Otherwise the
    result goes to ``NAME.rejected.json`` and ``out`` is left as it was.
    """
    from .io.json_files import write_text_atomic
    from .records.errors import ProblemError

    target = Path(out)
    text = allocation.to_json() + "\n"
    existing = None if force or not target.exists() else _existing_plan(target, problem)
    replace = (
        force
        or not target.exists()
        or (
            allocation.is_feasible()
            and (existing is None or _not_worse(problem, allocation, existing))
        )
    )
    aside = rejected_path(target)
    if replace:
        try:
            write_text_atomic(target, text)
            return f"wrote: {target}"
        except ProblemError as error:  # the plan is not lost: it goes beside the target
            write_text_atomic(aside, text)
            return f"could not write {target} ({error.issues[0].message}); wrote {aside}"
    write_text_atomic(aside, text)
    why = (
        f"it holds a better plan ({_objective(problem, existing):.3f})"
        if existing is not None and allocation.is_feasible()
        else f"the result is {allocation.status.value} and {target} is kept"
    )
    return f"kept: {target} ({why}); wrote the new result to {aside} (--force replaces)"


def _not_worse(problem: Problem, new: Allocation, old: Allocation) -> bool:
    """Fewer unplaced first, then (lexicographic objective) the lowest fit, then the sum."""
    from .analysis.check import lowest_fit

    if len(new.unplaced) != len(old.unplaced):
        return len(new.unplaced) < len(old.unplaced)
    if problem.rules.objective == "lexicographic":
        low_new, low_old = lowest_fit(problem, new), lowest_fit(problem, old)
        if abs(low_new - low_old) > 1e-9:
            return low_new > low_old
    return _objective(problem, new) >= _objective(problem, old) - 1e-9


def _robust_streams() -> None:
    """Never crash while printing: unencodable text is replaced, not raised."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def _schema(args: argparse.Namespace) -> int:
    from .io.json_files import json_schema, json_schema_of

    print(json_schema() if args.name is None else json_schema_of(args.name))
    return EXIT_OK


_COMMANDS = {
    "solve": _solve,
    "validate": _validate,
    "explain": _explain,
    "replan": _replan,
    "what-if": _replan,
    "diagnose": _diagnose,
    "schema": _schema,
    "template": _cmd_template,
    "import": _cmd_import,
    "export": _cmd_export,
    "report": _cmd_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    _robust_streams()
    args = _parser().parse_args(argv)  # --help and usage errors end here, before any import
    from .records.errors import ProblemError

    try:
        return _COMMANDS[args.command](args)
    except ProblemError as error:
        for issue in error.issues:
            print(f"error: {issue}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
