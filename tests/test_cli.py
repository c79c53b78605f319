"""The command line: exit codes, messages, files written and files left alone.

Most tests call ``icld_match.cli.main`` in-process; a few run the real entry point in a
subprocess, as a coordinator would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import cohort, host, participant

from icld_match import Allocation, __version__, check, solve
from icld_match.analysis.check import RULES
from icld_match.cli import main
from icld_match.io.json_files import load_problem

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "data" / "itp-local-democracy-2026.json"
FAST = ["--workers", "1", "--time-limit", "20"]
#: A better plan: the clock, its number, its objective, the strategy and any bound.
PROGRESS_LINE = re.compile(
    r"^  \d+\.\d{2}s / \d+(\.\d+)?s: solution (\d+) objective -?\d+\.\d{3} "
    r"\([a-z:>()-]+(, bound -?\d+\.\d{3})?\)$"
)
#: The clock before the first plan.
TICK_LINE = re.compile(r"^  \d+\.\d{2}s / \d+(\.\d+)?s: searching, no plan yet$")

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``icld-match ARGV`` in-process: exit code, stdout, stderr."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``icld-match ARGV`` as a separate process, importing the package from src/."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.run(
        [sys.executable, "-m", "icld_match.cli", *map(str, argv)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_bad_input(code: int, out: str, err: str) -> list[str]:
    """Exit 2, nothing on stdout, one ``error:`` line per issue on stderr; returns them."""
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines, "no error printed"
    assert all(line.startswith("error: ") for line in lines), lines
    return lines


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, default=str, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def problem_file(tmp_path: Path) -> Path:
    """A private copy of the bundled example."""
    return Path(shutil.copy(EXAMPLE, tmp_path / "problem.json"))


@pytest.fixture(scope="module")
def solved() -> dict[str, Any]:
    """The example's allocation as decoded JSON (solved once for the module)."""
    allocation = solve(load_problem(EXAMPLE), workers=1, time_limit=20)
    assert allocation.is_feasible()
    return json.loads(allocation.to_json())


# --------------------------------------------------------------------------------------
# solve, then validate
# --------------------------------------------------------------------------------------


def test_solve_writes_an_allocation_that_validate_accepts(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "tmp").mkdir()
    out_file = tmp_path / "tmp" / "a.json"
    original = problem_file.read_bytes()

    code, out, err = run(capsys, "solve", problem_file, "--out", out_file, *FAST)
    assert code == 0, err
    assert out.splitlines()[0] == "status: optimal"
    assert err == ""
    assert problem_file.read_bytes() == original  # the input is never modified

    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["status"] == "optimal"
    allocation = Allocation.model_validate(data)
    problem = load_problem(problem_file)
    placed = sorted(m for t in allocation.teams for m in t.members)
    assert placed == sorted(p.id for p in problem.participants)
    assert check(problem, allocation) == []
    assert temp_files(out_file.parent) == []
    for team in allocation.teams:  # the summary lists every team
        assert re.search(rf"^{team.id} ", out, re.MULTILINE)

    code, out, err = run(capsys, "validate", problem_file, out_file)
    assert (code, err) == (0, "")
    assert out == f"valid: {len(allocation.teams)} teams, every hard rule holds\n"
    assert problem_file.read_bytes() == original
    assert json.loads(out_file.read_text(encoding="utf-8")) == data


def test_solve_without_out_writes_nothing(
    capsys: pytest.CaptureFixture[str], problem_file: Path
) -> None:
    code, out, _ = run(capsys, "solve", problem_file, *FAST)
    assert code == 0
    assert "status: optimal" in out
    assert sorted(p.name for p in problem_file.parent.iterdir()) == ["problem.json"]


def test_solve_replaces_an_existing_out_file_atomically(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "a.json"
    out_file.write_text("old content that is longer than nothing" * 1000, encoding="utf-8")
    code, _, _ = run(capsys, "solve", problem_file, "--out", out_file, *FAST)
    assert code == 0
    assert Allocation.from_json(out_file.read_text(encoding="utf-8")).is_feasible()
    assert temp_files(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "problem.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_out_file_gets_the_usual_permissions(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    umask = os.umask(0o022)
    try:
        new, kept = tmp_path / "new.json", tmp_path / "kept.json"
        kept.write_text("{}", encoding="utf-8")
        kept.chmod(0o640)
        assert run(capsys, "solve", problem_file, "--out", new, *FAST)[0] == 0
        assert run(capsys, "solve", problem_file, "--out", kept, *FAST)[0] == 0
    finally:
        os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o644  # as open() would create it, not 0600
    assert kept.stat().st_mode & 0o777 == 0o640  # an existing file keeps its mode


def test_failed_rename_leaves_old_out_file_and_no_temp_file(
    capsys: pytest.CaptureFixture[str],
    problem_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out_file = tmp_path / "a.json"
    out_file.write_text('{"old": true}', encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    code, out, err = run(capsys, "solve", problem_file, "--out", out_file, *FAST)
    monkeypatch.undo()
    (line,) = assert_bad_input(code, out, err)
    assert "Permission denied" in line
    assert out_file.read_text(encoding="utf-8") == '{"old": true}'
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("where", ["missing-folder/a.json", "a-folder"])
def test_unwritable_out_is_bad_input(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-folder").mkdir()
    assert_bad_input(*run(capsys, "solve", problem_file, "--out", tmp_path / where, *FAST))
    assert temp_files(tmp_path) == []
    assert temp_files(tmp_path / "a-folder") == []


def test_progress_prints_each_solution_to_stderr(
    capsys: pytest.CaptureFixture[str], problem_file: Path
) -> None:
    code, out, err = run(capsys, "solve", problem_file, "--progress", *FAST)
    assert code == 0
    lines = [line for line in err.splitlines() if not TICK_LINE.match(line)]
    assert lines
    assert all(PROGRESS_LINE.match(line) for line in lines), lines
    numbers = [int(PROGRESS_LINE.match(line)[2]) for line in lines]  # type: ignore[index]
    assert numbers == list(range(1, len(lines) + 1))
    assert "solution" not in out
    assert out.startswith("status: optimal")


def test_same_seed_same_allocation(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for target in (a, b):
        assert run(capsys, "solve", problem_file, "--out", target, "--seed", "7", *FAST)[0] == 0
    teams = [json.loads(f.read_text(encoding="utf-8"))["teams"] for f in (a, b)]
    assert teams[0] == teams[1]


# --------------------------------------------------------------------------------------
# validate on tampered allocations
# --------------------------------------------------------------------------------------


def _drop_participant(data: dict[str, Any]) -> None:
    data["teams"][0]["members"].pop()


def _move_member(data: dict[str, Any]) -> None:
    small = min(data["teams"], key=lambda t: len(t["members"]))
    other = next(t for t in data["teams"] if t is not small)
    other["members"].append(small["members"].pop())


def _unknown_host(data: dict[str, Any]) -> None:
    data["teams"][1]["host"] = "nowhere"


def _member_twice(data: dict[str, Any]) -> None:
    data["teams"][1]["members"].append(data["teams"][0]["members"][0])


def _wrong_dates(data: dict[str, Any]) -> None:
    data["teams"][0]["start"] = "2026-01-01"


TAMPERS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "drop a participant": (_drop_participant, "placement"),
    "move a member": (_move_member, "team_size"),
    "unknown host": (_unknown_host, "host_known"),
    "member in two teams": (_member_twice, "placement"),
    "wrong dates": (_wrong_dates, "team_dates"),
}


@pytest.mark.parametrize("tamper", TAMPERS)
def test_validate_reports_every_violation_with_its_rule(
    capsys: pytest.CaptureFixture[str],
    solved: dict[str, Any],
    tmp_path: Path,
    tamper: str,
) -> None:
    change, rule = TAMPERS[tamper]
    data = json.loads(json.dumps(solved))
    change(data)
    allocation_file = write_json(tmp_path / "tampered.json", data)

    code, out, err = run(capsys, "validate", EXAMPLE, allocation_file)
    assert (code, err) == (1, "")
    violations = check(load_problem(EXAMPLE), Allocation.model_validate(data))
    assert rule in {v.rule for v in violations}
    lines = out.splitlines()
    assert lines[:-1] == [f"{v.rule}: {v.message}" for v in violations]
    assert all(line.split(":")[0] in RULES for line in lines[:-1])
    count = len(violations)
    assert lines[-1] == f"invalid: {count} violation{'s' if count != 1 else ''}"


def test_validate_names_the_allocation_file_in_its_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write_json(tmp_path / "alloc.json", {"status": "great", "teams": [{"id": "T1"}]})
    lines = assert_bad_input(*run(capsys, "validate", EXAMPLE, bad))
    assert all(line.startswith(f"error: {bad}: ") for line in lines)
    assert any("status" in line for line in lines)
    assert any("teams[0] (id 'T1').host: Field required" in line for line in lines)


def test_validate_rejects_allocation_with_bad_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "alloc.json"
    bad.write_text('{"status": "optimal",\n "teams": [}', encoding="utf-8")
    (line,) = assert_bad_input(*run(capsys, "validate", EXAMPLE, bad))
    assert str(bad) in line
    assert "line 2 column" in line


# --------------------------------------------------------------------------------------
# Bad input: exit 2, one "error:" line per problem, never a traceback
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["solve", "validate"])
def test_bad_json_is_reported_with_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    bad = tmp_path / "problem.json"
    bad.write_text('{\n  "cohorts": [,]\n}\n', encoding="utf-8")
    extra = [EXAMPLE] if command == "validate" else []  # the problem is read first
    (line,) = assert_bad_input(*run(capsys, command, bad, *extra))
    assert "line 2 column 15" in line
    assert "not valid JSON" in line


def test_schema_errors_are_all_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    people = [participant(f"p0{i}") for i in range(1, 5)]
    del people[3]["country"]
    people[1]["nickname"] = "Pat"
    data = {
        "cohorts": [cohort("C1", team_size=(3, 2))],
        "participants": people,
        "hosts": [host("H1", themes={"parks": 2.0}), host("H2", languages=[])],
        "weights": {"thematic_fit": float("nan"), "wishes": -1},
    }
    problem_file = write_json(tmp_path / "problem.json", data)
    assert "NaN" in problem_file.read_text(encoding="utf-8")
    lines = assert_bad_input(*run(capsys, "solve", problem_file, *FAST))
    expected = [
        "error: cohorts[0] (id 'C1').team_size: min 3 is larger than max 2",
        "error: participants[1] (id 'p02').nickname: Extra inputs are not permitted",
        "error: participants[3] (id 'p04').country: Field required",
        "error: hosts[0] (id 'H1').themes: theme strengths must lie in [0, 1]",
        "error: hosts[1] (id 'H2').languages: should have at least 1 item",
        "error: weights.thematic_fit: expected a finite number",
        "error: weights.wishes: should be greater than or equal to 0",
    ]
    assert len(lines) == len(expected)
    for start in expected:
        assert sum(line.startswith(start) for line in lines) == 1, (start, lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["problem.json"]


def test_cross_record_errors_are_all_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = {
        "cohorts": [cohort("C1"), cohort("C2")],
        "participants": [
            participant("P1", wishes=["H9"]),
            participant("P2", cohort="C8"),
            participant("P1"),
        ],
        "hosts": [host("H1")],
        "pins": [{"participant": "P7", "host": "H1"}],
    }
    problem_file = write_json(tmp_path / "problem.json", data)
    lines = assert_bad_input(*run(capsys, "validate", problem_file, EXAMPLE))
    assert sorted(lines) == sorted(
        [
            "error: participants[0] (id 'P1').id: duplicate id 'P1'",
            "error: participants[2] (id 'P1').id: duplicate id 'P1'",
            "error: participants[0] (id 'P1').wishes: unknown host 'H9'",
            "error: participants[1] (id 'P2').cohort: unknown cohort 'C8'",
            "error: cohorts[1] (id 'C2').id: cohort has no participants",
            "error: pins[0].participant: unknown participant 'P7'",
        ]
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "{tmp}/missing.json"],
        ["solve", "{tmp}"],
        ["validate", "{tmp}/missing.json", str(EXAMPLE)],
        ["validate", str(EXAMPLE), "{tmp}/missing.json"],
    ],
    ids=["solve missing", "solve folder", "validate missing problem", "validate missing alloc"],
)
def test_unreadable_file_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    (line,) = assert_bad_input(*run(capsys, *args))
    unreadable = next(a for a in args if str(tmp_path) in a)
    assert line.startswith(f"error: {unreadable}: cannot read file")


def test_file_that_is_not_utf8_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "problem.json"
    bad.write_bytes(b'{"cohorts": "\xff"}')
    (line,) = assert_bad_input(*run(capsys, "solve", bad))
    assert line == (
        f"error: {bad}: not UTF-8 text: byte 0xff at line 1 column 14 (save the file as UTF-8)"
    )


def test_a_workbook_given_where_json_is_read_is_named_as_such(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    alloc = solve_to_file(capsys, problem_file, tmp_path / "alloc.json")
    workbook = EXAMPLE.with_suffix(".xlsx")
    (line,) = assert_bad_input(*run(capsys, "validate", problem_file, workbook))
    assert (
        line == f"error: {workbook}: this is a workbook (.xlsx) or another zip file, not JSON text"
    )
    (line,) = assert_bad_input(*run(capsys, "replan", problem_file, alloc, workbook))
    assert line.startswith(f"error: {workbook}: this is a workbook")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--time-limit", "0"),
        ("--time-limit", "-5"),
        ("--time-limit", "nan"),
        ("--workers", "0"),
        ("--workers", "99999999999"),
        ("--seed", "99999999999"),
        ("--seed", "-99999999999"),
    ],
)
def test_bad_option_value_is_bad_input(
    capsys: pytest.CaptureFixture[str], problem_file: Path, option: str, value: str
) -> None:
    out_file = problem_file.parent / "a.json"
    (line,) = assert_bad_input(
        *run(capsys, "solve", problem_file, "--out", out_file, option, value)
    )
    assert line.startswith(f"error: {option}: must be")
    assert not out_file.exists()


def test_count_too_large_for_the_solver_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["cohorts"][0]["team_size"]["max"] = 2**64
    data["hosts"][0]["capacity"]["max_participants"] = 10**30
    problem_file = write_json(tmp_path / "problem.json", data)
    lines = assert_bad_input(*run(capsys, "solve", problem_file, *FAST))
    assert len(lines) == 2
    assert any(".team_size.max: should be less than or equal to" in x for x in lines)
    assert any(".capacity.max_participants: should be less" in x for x in lines)


def test_deeply_nested_json_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "problem.json"
    bad.write_text("[" * 100_000, encoding="utf-8")
    (line,) = assert_bad_input(*run(capsys, "solve", bad))
    assert "not valid JSON" in line


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["plan"], ["solve"], ["solve", "x.json", "--workers", "two"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        assert "usage: icld-match" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"icld-match {__version__}"


# --------------------------------------------------------------------------------------
# No allocation: exit 1, reasons printed, status written
# --------------------------------------------------------------------------------------


def test_infeasible_problem_exits_1_and_still_writes_the_allocation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = {  # nobody shares a language with the only host
        "cohorts": [cohort("C1")],
        "participants": [participant(f"P{i}", languages=["fr"]) for i in range(1, 4)],
        "hosts": [host("H1", languages=["sv"])],
    }
    problem_file = write_json(tmp_path / "problem.json", data)
    original = problem_file.read_bytes()
    out_file = tmp_path / "a.json"

    code, out, err = run(capsys, "solve", problem_file, "--out", out_file, *FAST)
    assert code == 1
    assert "Traceback" not in err
    lines = out.splitlines()
    assert lines[0] == "status: infeasible"
    reasons = [line for line in lines if line.startswith("reason: ")]
    assert reasons
    assert all(len(r) > len("reason: ") + 10 for r in reasons)
    assert problem_file.read_bytes() == original

    allocation = Allocation.from_json(out_file.read_text(encoding="utf-8"))
    assert allocation.status == "infeasible"
    assert allocation.teams == []
    assert [f"reason: {r}" for r in allocation.reasons] == reasons
    assert temp_files(tmp_path) == []

    code, out, _ = run(capsys, "validate", problem_file, out_file)
    assert code == 1  # nobody is placed
    assert out.count("placement: ") == 3


# --------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------


def test_schema_prints_problem_and_allocation_schemas(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "schema")
    assert (code, err) == (0, "")
    schemas = json.loads(out)
    assert set(schemas) == {"problem", "allocation"}
    assert {"cohorts", "participants", "hosts", "weights"} <= set(schemas["problem"]["properties"])
    assert {"status", "teams"} <= set(schemas["allocation"]["properties"])
    assert set(schemas["problem"]["required"]) == {"cohorts", "participants", "hosts"}


# --------------------------------------------------------------------------------------
# replan and what-if
# --------------------------------------------------------------------------------------


def solve_to_file(capsys: pytest.CaptureFixture[str], problem_file: Path, out: Path) -> Path:
    """``icld-match solve PROBLEM --out OUT`` (one worker), asserting it succeeds."""
    code, _, err = run(capsys, "solve", problem_file, "--out", out, *FAST)
    assert code == 0, err
    return out


def hosts_of(allocation_file: Path) -> dict[str, str]:
    """Participant id -> host id in an allocation file."""
    data = json.loads(allocation_file.read_text(encoding="utf-8"))
    return {m: t["host"] for t in data["teams"] for m in t["members"]}


def test_replan_keeps_most_in_place_and_explains_every_move(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    alloc = solve_to_file(capsys, problem_file, tmp_path / "alloc.json")
    changes = write_json(
        tmp_path / "changes.json",
        [{"kind": "dropout", "participant": "p07"}, {"kind": "host_cancels", "host": "umea"}],
    )
    inputs = {f: f.read_bytes() for f in (problem_file, alloc, changes)}
    new, new_problem = tmp_path / "new.json", tmp_path / "new-problem.json"

    code, out, err = run(
        capsys,
        "replan",
        problem_file,
        alloc,
        changes,
        "--out",
        new,
        "--problem-out",
        new_problem,
        *FAST,
    )

    assert (code, err) == (0, ""), out
    assert {f: f.read_bytes() for f in inputs} == inputs  # inputs unchanged byte for byte
    assert temp_files(tmp_path) == []
    before, after = hosts_of(alloc), hosts_of(new)
    assert "p07" not in after
    assert "umea" not in after.values()
    assert set(after) == set(before) - {"p07"}  # everyone else still placed
    kept = sum(after.get(pid) == h for pid, h in before.items())
    assert re.search(rf"^kept {kept} participant", out, re.MULTILINE), out
    moved = sorted(pid for pid in after if after[pid] != before[pid])
    assert moved, "umea's team had to move"
    for pid in moved:
        line = re.search(rf"^  {pid}: .*\((.+)\)$", out, re.MULTILINE)
        assert line, (pid, out)
        if before[pid] == "umea":
            assert "umea" in line[1]

    changed = load_problem(new_problem)
    assert "p07" not in {p.id for p in changed.participants}
    assert changed.host("umea").available == []
    code, out, err = run(capsys, "validate", new_problem, new)
    assert (code, err) == (0, "")
    assert out.startswith("valid: ")


def test_what_if_reports_the_objective_change(
    capsys: pytest.CaptureFixture[str], problem_file: Path, tmp_path: Path
) -> None:
    alloc = solve_to_file(capsys, problem_file, tmp_path / "alloc.json")
    assert hosts_of(alloc)["p01"] != "lund"
    changes = write_json(
        tmp_path / "changes.json", [{"kind": "force", "participant": "p01", "host": "lund"}]
    )
    new = tmp_path / "new.json"

    code, out, err = run(capsys, "what-if", problem_file, alloc, changes, "--out", new, *FAST)

    assert (code, err) == (0, ""), out
    assert "objective change" in out
    assert re.search(r"^  p01: .*lund.*\(.+\)$", out, re.MULTILINE), out
    assert hosts_of(new)["p01"] == "lund"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alloc.json",
        "changes.json",
        "new.json",
        "problem.json",
    ]


@pytest.mark.parametrize("verb", ["replan", "what-if"])
def test_replan_and_what_if_read_the_problem_from_a_workbook(
    capsys: pytest.CaptureFixture[str], verb: str, tmp_path: Path
) -> None:
    """Like every verb that takes a problem, they accept the coordinator's workbook."""
    workbook = EXAMPLE.with_suffix(".xlsx")
    alloc = solve_to_file(capsys, workbook, tmp_path / "alloc.json")
    changes = write_json(tmp_path / "changes.json", [{"kind": "dropout", "participant": "p07"}])
    new = tmp_path / "new.json"

    code, out, err = run(capsys, verb, workbook, alloc, changes, "--out", new, *FAST)

    assert (code, err) == (0, ""), out
    assert "p07" not in hosts_of(new)
    assert set(hosts_of(new)) == set(hosts_of(alloc)) - {"p07"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ('[{"kind": "dropout",\n  "participant": }]', ["{file}: not valid JSON at line 2"]),
        ("[" * 100_000, ["{file}: not valid JSON"]),
        ('{"kind": "dropout", "participant": "p07"}', ["changes: expected a JSON list"]),
        (
            '[{"kind": "dropout", "participant": "p07"}, {"kind": "teleport", "host": "lund"}]',
            ["changes[1]: unknown kind 'teleport'"],
        ),
        ('[{"kind": "force", "host": "lund", "person": "p01"}]', ["changes[0].person: Extra"]),
        (
            '[{"kind": "dropout", "participant": "p99"}, {"kind": "host_cancels", "host": "x"},'
            ' {"kind": "forbid", "team": "T99", "host": "lund"}]',
            [
                "changes[0].participant: unknown 'p99'",
                "changes[1].host: unknown host 'x'",
                "changes[2].team: no team 'T99'",
            ],
        ),
    ],
    ids=["bad JSON", "nested too deeply", "not a list", "unknown kind", "extra field", "ids"],
)
@pytest.mark.parametrize("command", ["replan", "what-if"])
def test_bad_changes_file_is_bad_input(
    capsys: pytest.CaptureFixture[str],
    problem_file: Path,
    tmp_path: Path,
    solved: dict[str, Any],
    command: str,
    changes: str,
    expected: list[str],
) -> None:
    alloc = write_json(tmp_path / "alloc.json", solved)
    changes_file = tmp_path / "changes.json"
    changes_file.write_text(changes, encoding="utf-8")
    new, new_problem = tmp_path / "new.json", tmp_path / "new-problem.json"

    lines = assert_bad_input(
        *run(
            capsys,
            command,
            problem_file,
            alloc,
            changes_file,
            "--out",
            new,
            "--problem-out",
            new_problem,
            *FAST,
        )
    )

    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith("error: " + start.format(file=changes_file)), (line, start)
    assert not new.exists()
    assert not new_problem.exists()


# --------------------------------------------------------------------------------------
# diagnose
# --------------------------------------------------------------------------------------


def test_diagnose_a_feasible_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diagnose", EXAMPLE)
    assert (code, err) == (0, "")
    assert out.startswith("feasible")


def test_diagnose_names_the_conflicting_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = {  # one host takes one team, but P1 and P2 must not share one
        "cohorts": [cohort("C1", team_size=(2, 4))],
        "participants": [participant("P1"), participant("P2")],
        "hosts": [host("H1")],
        "keep_apart": [{"members": ["P1", "P2"]}],
    }
    problem_file = write_json(tmp_path / "problem.json", data)

    code, out, err = run(capsys, "diagnose", problem_file)

    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith("No allocation satisfies")
    assert all(line.startswith("- ") for line in lines[1:])
    assert any("keep_apart[0]" in line for line in lines[1:]), out


# --------------------------------------------------------------------------------------
# solve --allow-unplaced
# --------------------------------------------------------------------------------------


def test_allow_unplaced_places_the_others_and_says_who_is_left_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = {  # P4 speaks only Swahili; no host does
        "cohorts": [cohort("C1")],
        "participants": [
            participant("P1"),
            participant("P2"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda", languages=["sw"]),
        ],
        "hosts": [host("H1"), host("H2", languages=["en", "sv"])],
    }
    problem_file = write_json(tmp_path / "problem.json", data)
    out_file = tmp_path / "a.json"

    code, out, _ = run(capsys, "solve", problem_file, *FAST)
    assert code == 1  # without the flag: no allocation

    code, out, err = run(
        capsys, "solve", problem_file, "--allow-unplaced", "--out", out_file, *FAST
    )
    assert (code, err) == (0, "")
    assert re.search(r"^unplaced: P4\b", out, re.MULTILINE), out
    allocation = json.loads(out_file.read_text(encoding="utf-8"))
    assert [u["participant"] for u in allocation["unplaced"]] == ["P4"]
    assert allocation["unplaced"][0]["why"]
    placed = sorted(m for t in allocation["teams"] for m in t["members"])
    assert placed == ["P1", "P2", "P3"]


# --------------------------------------------------------------------------------------
# The real entry point, in a separate process
# --------------------------------------------------------------------------------------


def test_console_entry_solves_and_validates(problem_file: Path, tmp_path: Path) -> None:
    original = problem_file.read_bytes()
    (tmp_path / "tmp").mkdir()
    done = run_process(
        "solve", "problem.json", "--out", "tmp/a.json", "--progress", *FAST, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("status: optimal\n")
    progress = [line for line in done.stderr.splitlines() if not TICK_LINE.match(line)]
    assert progress
    assert all(PROGRESS_LINE.match(line) for line in progress), progress
    assert problem_file.read_bytes() == original
    assert json.loads((tmp_path / "tmp" / "a.json").read_text(encoding="utf-8"))["teams"]
    assert temp_files(tmp_path / "tmp") == []

    done = run_process("validate", "problem.json", "tmp/a.json", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("valid: ")


def test_console_entry_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"cohorts": [}', encoding="utf-8")
    for argv in (
        ["solve", "bad.json"],
        ["solve", str(EXAMPLE), "--time-limit", "nan"],
        ["validate", str(EXAMPLE), "missing.json"],
    ):
        done = run_process(*argv, cwd=tmp_path)
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stdout == ""
        assert "Traceback" not in done.stderr
        lines = done.stderr.splitlines()
        assert lines
        assert all(line.startswith("error: ") for line in lines), lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_solve_strategy_option_picks_the_formulation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_file = tmp_path / "allocation.json"
    code, out, _ = run(
        capsys, "solve", EXAMPLE, "--strategy", "decompose", "--workers", "1", "--out", out_file
    )
    assert code == 0 and out.startswith("status: feasible")
    allocation = Allocation.model_validate_json(out_file.read_text())
    assert allocation.strategy == "decompose"
    assert check(load_problem(EXAMPLE), allocation) == []
    with pytest.raises(SystemExit) as caught:
        main(["solve", str(EXAMPLE), "--strategy", "fastest"])
    assert caught.value.code == 2
    assert "--strategy" in capsys.readouterr().err


# --------------------------------------------------------------------------------------
# A CLI that explains itself, and starts fast
# --------------------------------------------------------------------------------------

VERBS = (
    "solve",
    "validate",
    "explain",
    "diagnose",
    "replan",
    "what-if",
    "schema",
    "template",
    "import",
    "export",
    "report",
)


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as caught:
        main([*argv, "--help"])
    assert caught.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_a_description_examples_exit_codes_and_defaults(
    capsys: pytest.CaptureFixture[str], verb: str
) -> None:
    from icld_match.cli import _parser

    text = _help(capsys, verb)
    assert f"icld-match {verb} " in text.split("examples:")[1]
    assert re.search(r"exit codes:\n  0 ", text)
    subparsers = next(a for a in _parser()._actions if a.dest == "command")
    sub = subparsers.choices[verb]  # type: ignore[index]
    for action in sub._actions:
        takes_value = action.option_strings and action.nargs != 0
        if takes_value and not action.required:
            assert "default" in sub.formatter_class(verb)._get_help_string(action), action


def test_diagnose_time_limit_is_the_library_default(capsys: pytest.CaptureFixture[str]) -> None:
    import inspect

    from icld_match import diagnose
    from icld_match.cli import DIAGNOSE_TIME_LIMIT

    default = inspect.signature(diagnose).parameters["time_limit"].default
    assert default == DIAGNOSE_TIME_LIMIT
    assert f"(default: {default})" in _help(capsys, "diagnose")


def test_help_imports_no_solver_and_no_pydantic() -> None:
    code = (
        "import sys\nfrom icld_match.cli import main\n"
        "for argv in (['--help'], ['solve', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('ortools', 'pydantic', 'numpy', 'openpyxl') if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "[]"


@pytest.mark.parametrize("name", ["problem", "allocation", "changes", "explanation"])
def test_schema_name_prints_one_json_schema(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "schema", name)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"urn:icld-match:schema:{name}:1"


def test_an_out_file_stamped_for_another_problem_is_not_compared(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, problem_file: Path
) -> None:
    """The hash tells plans of other problems apart even when their ids happen to fit."""
    from icld_match.cli import _existing_plan

    out_file = tmp_path / "plan.json"
    code, _, _ = run(capsys, "solve", problem_file, "--out", out_file, *FAST)
    assert code == 0
    problem = load_problem(problem_file)
    assert _existing_plan(out_file, problem) is not None
    data = json.loads(out_file.read_text(encoding="utf-8"))
    write_json(out_file, {**data, "problem_sha256": "0" * 64})
    assert _existing_plan(out_file, problem) is None
    write_json(out_file, {**data, "problem_sha256": ""})  # older files: no hash, compared
    assert _existing_plan(out_file, problem) is not None
