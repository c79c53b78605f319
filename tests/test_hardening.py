"""Issue 9 regressions: one test (or a few) per measured finding, named after it.

Each CLI case checks the README's promise: bad input exits 2 with one ``error:`` line per
issue and no traceback; input files are never modified; ``--out`` never loses a plan.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import cli_bad_input as bad_input
from conftest import cohort, host, participant, problem_data
from conftest import run_cli as run

from icld_match import (
    Allocation,
    Host,
    Problem,
    ProblemError,
    TeamSize,
    check,
    diagnose,
    load_problem,
    problem_from_json,
    replan,
    solve,
)
from icld_match.cli import rejected_path
from icld_match.engine.model import SCALE
from icld_match.io.json_files import allocation_from_json, changes_from_json, load_allocation
from icld_match.planning.changes import Forbid, Force
from icld_match.records.validation import OBJECTIVE_SCALE

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "data" / "itp-local-democracy-2026.json"
FAST = ["--workers", "1", "--time-limit", "20"]


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return data


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8", errors="surrogatepass")
    path.write_bytes(text)
    return path


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example solved once (one worker), as an allocation file."""
    allocation = solve(load_problem(EXAMPLE), workers=1, time_limit=20)
    path = tmp_path_factory.mktemp("plan") / "allocation.json"
    path.write_text(allocation.to_json(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# Finding 1: integer literals over 4,300 digits
# --------------------------------------------------------------------------------------


def test_finding1_huge_integer_literal_in_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"max_teams": 1', '"max_teams": 1' + "0" * 5000, 1
    )
    path = write(tmp_path / "p.json", text)
    (line,) = bad_input(capsys, "solve", path, *FAST)
    assert "number with 5001 digits at line" in line
    with pytest.raises(ProblemError, match="digits"):
        problem_from_json(text)


def test_finding1_huge_integer_literal_in_changes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_plan: Path
) -> None:
    changes = write(
        tmp_path / "c.json",
        '[{"kind": "set_capacity", "host": "umea",\n "max_teams": ' + "9" * 4400 + "}]",
    )
    (line,) = bad_input(capsys, "replan", EXAMPLE, example_plan, changes, *FAST)
    assert line.startswith(f"error: {changes}: number with 4400 digits at line 2")


# --------------------------------------------------------------------------------------
# Finding 2: large weights crashed the objective
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"), [("thematic_fit", 1e17), ("country_mix", 1e30), ("thematic_fit", 5e15)]
)
def test_finding2_large_weight_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, value: float
) -> None:
    data = example_data()
    data["weights"] = {name: value}
    path = write(tmp_path / "p.json", json.dumps(data))
    (line,) = bad_input(capsys, "solve", path, *FAST)
    assert line.startswith(f"error: weights.{name}: should be less than or equal to 1000000")


def test_finding2_solve_checks_the_coefficient_range_before_cp_sat() -> None:
    """A problem built without validation still fails with a ProblemError naming the weight."""
    problem = load_problem(EXAMPLE)
    weights = problem.weights.model_construct(**{**problem.weights.model_dump(), "wishes": 1e17})
    broken = Problem.model_construct(**{**dict(problem), "weights": weights})
    with pytest.raises(ProblemError) as caught:
        solve(broken, workers=1, time_limit=5)
    (issue,) = caught.value.issues
    assert (issue.record, issue.field) == ("weights", "wishes")
    assert OBJECTIVE_SCALE == SCALE


# --------------------------------------------------------------------------------------
# Finding 3: a lone surrogate crashed the summary after --out was written
# --------------------------------------------------------------------------------------


def test_finding3_lone_surrogate_is_bad_input_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('"name": "Umeå kommun"', '"name": "\\ud800"')
    path, out = write(tmp_path / "p.json", text), tmp_path / "a.json"
    (line,) = bad_input(capsys, "solve", path, "--out", out, *FAST)
    assert "(id 'umea').name: text holds '\\ud800'" in line
    assert not out.exists()


def test_finding3_summary_prints_on_an_ascii_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "icld_match.cli", "solve", str(EXAMPLE), "--out", "a.json", *FAST],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Ume? kommun" in done.stdout


# --------------------------------------------------------------------------------------
# Finding 4: replan/what-if with an allocation naming an unknown host
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["replan", "what-if"])
def test_finding4_replan_with_unknown_host_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_plan: Path, command: str
) -> None:
    data = json.loads(example_plan.read_text(encoding="utf-8"))
    data["teams"][0]["host"] = "atlantis"
    plan = write(tmp_path / "a.json", json.dumps(data))
    changes = write(tmp_path / "c.json", '[{"kind": "dropout", "participant": "p07"}]')
    (line,) = bad_input(capsys, command, EXAMPLE, plan, changes, *FAST)
    assert line.endswith("host: unknown host 'atlantis'")
    assert line.startswith("error: allocation.teams[0] (id 'T01')")


# --------------------------------------------------------------------------------------
# Finding 5: one exception family from the Python API
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        b'{"cohorts": ' + b"1" * 5000 + b"}",
        b'{"cohorts": "\xe5"}',
        b"\xff\xfe{\x00}\x00",
        '{"cohorts": []}',
        "[",
    ],
    ids=["huge int", "latin-1", "utf-16", "field error", "syntax"],
)
def test_finding5_from_json_raises_only_problem_error(text: str | bytes) -> None:
    with pytest.raises(ProblemError) as caught:
        problem_from_json(text)
    assert isinstance(caught.value, ValueError)


def test_finding5_model_validate_and_constructors_raise_problem_error() -> None:
    bad_field = problem_data(weights={"wishes": -1})
    bad_cross = problem_data(pins=[{"participant": "P9", "host": "H1"}])
    for data in (bad_field, bad_cross):
        with pytest.raises(ProblemError):
            Problem.model_validate(data)
        with pytest.raises(ProblemError):
            Problem(**data)
        with pytest.raises(ProblemError):
            Problem.model_validate_json(json.dumps(data, default=str))
    with pytest.raises(ProblemError) as caught:
        Host(
            id="h2",
            name="x",
            municipality="m",
            languages=["en"],
            available=[{"start": "2026-05-01", "end": "May"}],
        )
    assert str(caught.value.issues[0]) == (
        "available[0].end: expected a date in the form YYYY-MM-DD (got 'May')"
    )
    with pytest.raises(ProblemError):
        TeamSize(min=3, max=2)
    with pytest.raises(ProblemError):
        Allocation.model_validate({"status": "great"})


def test_finding5_path_names_record_id_and_field() -> None:
    data = problem_data(
        hosts=[host("H1"), host("h2", available=[{"start": "2026-05-01", "end": "x"}])]
    )
    with pytest.raises(ProblemError) as caught:
        Problem.model_validate(data)
    (issue,) = caught.value.issues
    assert str(issue).startswith("hosts[1] (id 'h2').available[0].end: expected a date")


def test_finding5_problem_lookups_raise_key_error_naming_the_id() -> None:
    problem = load_problem(EXAMPLE)
    assert problem.host("umea").id == "umea"
    with pytest.raises(KeyError, match="no host with id 'nope'"):
        problem.host("nope")
    with pytest.raises(KeyError, match="participant"):
        problem.participant("nope")


# --------------------------------------------------------------------------------------
# Data safety: --out never loses a plan
# --------------------------------------------------------------------------------------


def _infeasible(tmp_path: Path) -> Path:
    data = {
        "cohorts": [cohort("C1")],
        "participants": [participant(f"P{i}", languages=["fr"]) for i in range(1, 4)],
        "hosts": [host("H1", languages=["sv"])],
    }
    return write(tmp_path / "infeasible.json", json.dumps(data, default=str))


def test_infeasible_result_never_overwrites_a_plan(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_plan: Path
) -> None:
    out = write(tmp_path / "a.json", example_plan.read_bytes())
    before = out.read_bytes()
    code, stdout, _ = run(capsys, "solve", _infeasible(tmp_path), "--out", out, *FAST)
    assert code == 1
    assert out.read_bytes() == before
    aside = rejected_path(out)
    assert aside.name == "a.rejected.json"
    assert load_allocation(aside).status == "infeasible"
    assert stdout.splitlines()[-1].startswith(f"kept: {out}")


def test_solve_keeps_a_better_existing_plan_unless_forced(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_plan: Path
) -> None:
    out = write(tmp_path / "a.json", example_plan.read_bytes())
    before = out.read_bytes()
    # a tiny time limit with the greedy-started decompose strategy gives a worse plan
    code, stdout, _ = run(
        capsys,
        "solve",
        EXAMPLE,
        "--out",
        out,
        "--workers",
        "1",
        "--strategy",
        "decompose",
        "--time-limit",
        "0.001",
    )
    # 0: a worse plan (kept aside); 1: no plan within the limit (also kept aside)
    assert code in (0, 1)
    assert out.read_bytes() == before  # never replaced by something worse
    assert rejected_path(out).exists()
    if code == 0:
        assert "it holds a better plan" in stdout
    code, stdout, _ = run(capsys, "solve", EXAMPLE, "--out", out, "--force", *FAST)
    assert code == 0 and stdout.splitlines()[-1] == f"wrote: {out}"


def test_equal_plan_replaces_the_existing_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example_plan: Path
) -> None:
    out = write(tmp_path / "a.json", example_plan.read_bytes())
    code, stdout, _ = run(capsys, "solve", EXAMPLE, "--out", out, *FAST)
    assert code == 0 and stdout.splitlines()[-1] == f"wrote: {out}"
    assert not rejected_path(out).exists()


def test_unwritable_out_fails_before_solving(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved before checking --out")

    monkeypatch.setattr("icld_match.strategies.solve.solve", never)  # the CLI imports it late
    (line,) = bad_input(capsys, "solve", EXAMPLE, "--out", tmp_path / "no" / "a.json")
    assert "does not exist" in line


# --------------------------------------------------------------------------------------
# Encodings: CLI and API read the same
# --------------------------------------------------------------------------------------


def test_bom_is_accepted_by_cli_and_api(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + EXAMPLE.read_bytes()
    path = write(tmp_path / "p.json", raw)
    assert load_problem(path) == problem_from_json(raw) == problem_from_json(raw.decode())
    assert run(capsys, "diagnose", path)[0] == 0


def test_latin1_bytes_name_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = EXAMPLE.read_text(encoding="utf-8").encode("latin-1", errors="replace")
    path = write(tmp_path / "p.json", raw)
    (line,) = bad_input(capsys, "validate", path, path)
    assert "not UTF-8 text: byte 0x" in line and " at line " in line
    with pytest.raises(ProblemError, match="at line"):
        load_problem(path)


# --------------------------------------------------------------------------------------
# Silent coercion
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hosts": [host("H1", capacity={"max_teams": True}), host("H2")]}, "capacity.max_teams"),
        ({"hosts": [host("H1", capacity={"max_teams": "2"}), host("H2")]}, "capacity.max_teams"),
        ({"weights": {"wishes": True}}, "wishes"),
        ({"cohorts": [cohort(start=0)]}, "internship.start"),
        ({"cohorts": [cohort(team_size=(2.0, 4))]}, "team_size.min"),
    ],
    ids=["true as count", "string as count", "true as weight", "0 as date", "2.0 as count"],
)
def test_no_silent_coercion(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ProblemError) as caught:
        problem_from_json(json.dumps(problem_data(**overrides), default=str))
    assert [i.field for i in caught.value.issues] == [field]


# --------------------------------------------------------------------------------------
# Labels: changes and allocation files
# --------------------------------------------------------------------------------------


def test_out_of_range_change_is_reported_against_the_change() -> None:
    with pytest.raises(ProblemError) as caught:
        changes_from_json('[{"kind": "set_capacity", "host": "umea", "max_teams": 10000000}]')
    (issue,) = caught.value.issues
    assert (issue.record, issue.field) == ("changes[0]", "max_teams")


def test_allocation_json_errors_are_labelled_allocation() -> None:
    with pytest.raises(ProblemError) as caught:
        allocation_from_json("[]", "a.json")
    assert (
        str(caught.value.issues[0]) == "a.json: allocation: expected a JSON object {...} (got [])"
    )


# --------------------------------------------------------------------------------------
# Reasons: replan after force-then-forbid, diagnose with season caps, unplaced hosts
# --------------------------------------------------------------------------------------


def test_replan_reason_after_force_then_forbid(example_plan: Path) -> None:
    problem, plan = load_problem(EXAMPLE), load_allocation(example_plan)
    team = plan.team_of("p01")
    assert team is not None
    changes: list[Any] = [
        Force(participant="p01", host=team.host),
        Forbid(participant="p01", host=team.host),
    ]
    outcome = replan(problem, plan, changes, workers=1, time_limit=20)
    (move,) = [m for m in outcome.moves if m.participant == "p01"]
    assert move.why == f"forbidden at {team.host} by the change"


def test_diagnose_names_the_season_caps() -> None:
    data = problem_data(hosts=[host("H1", season_max_teams=0), host("H2", season_max_teams=0)])
    reasons = diagnose(Problem.model_validate(data), time_limit=5).reasons()
    assert any("season_max_teams: Host H1 0, Host H2 0" in r for r in reasons), reasons


def test_allow_unplaced_does_not_list_zero_capacity_hosts() -> None:
    data = problem_data(
        participants=[participant(f"P{i}") for i in range(1, 6)],
        hosts=[host("H1"), host("H2", capacity={"max_teams": 0, "max_participants": 0})],
    )
    allocation = solve(Problem.model_validate(data), workers=1, allow_unplaced=True, time_limit=10)
    assert allocation.unplaced
    for u in allocation.unplaced:
        assert "H2" not in u.open_hosts


# --------------------------------------------------------------------------------------
# Complexity: summary at 10,000 participants
# --------------------------------------------------------------------------------------


def test_summary_at_10000_participants_is_fast() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate
    from icld_match.index import ProblemIndex
    from icld_match.strategies.greedy import greedy_allocation

    problem = generate("stress", seed=0, size=10000)
    plan = greedy_allocation(ProblemIndex.build(problem))
    assert plan is not None
    started = time.perf_counter()
    text = plan.summary(problem)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    assert text.count("\n") > len(plan.teams)
    assert check(problem, plan) == []
