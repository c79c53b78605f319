"""Outputs never destroy inputs, options are refused alike by the CLI and the API, and a
JSON key given twice is an error (the fourth audit's findings, 2026-11-29)."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest
from conftest import cli_bad_input as bad_input
from conftest import run_cli as run
from conftest import tiny_problem

from icld_match import (
    Dropout,
    ProblemError,
    diagnose,
    load_allocation,
    load_problem,
    replan,
    solve,
    what_if,
)
from icld_match.cli import main
from icld_match.io.json_files import loads

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "data" / "itp-local-democracy-2026.json"
FAST = ["--workers", "1", "--time-limit", "5"]


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as JSON and workbook, a plan of it and a changes file."""
    folder = tmp_path_factory.mktemp("inputs")
    shutil.copy(EXAMPLE, folder / "p.json")
    shutil.copy(EXAMPLE.with_suffix(".xlsx"), folder / "p.xlsx")
    plan = solve(load_problem(EXAMPLE), workers=1, time_limit=20)
    (folder / "a.json").write_text(plan.to_json(), encoding="utf-8")
    (folder / "c.json").write_text('[{"kind": "dropout", "participant": "p07"}]')
    return folder


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", "p.json", "--out", "p.json"],
        ["solve", "p.xlsx", "--out", "p.xlsx"],
        ["replan", "p.json", "a.json", "c.json", "--out", "p.json"],
        ["replan", "p.json", "a.json", "c.json", "--problem-out", "c.json"],
        ["replan", "p.json", "a.json", "c.json", "--out", "n.json", "--problem-out", "n.json"],
        ["what-if", "p.json", "a.json", "c.json", "--out", "c.json"],
        ["import", "p.xlsx", "-o", "p.xlsx"],
        ["export", "p.xlsx", "-o", "p.xlsx"],
        ["export", "p.json", "a.json", "-o", "a.json"],
        ["report", "p.json", "a.json", "-o", "p.json"],
    ],
)
def test_an_output_that_is_an_input_or_another_output_is_refused(
    capsys: pytest.CaptureFixture[str],
    files: Path,
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(files)
    before = digest(files)
    (line,) = bad_input(capsys, *argv, *(FAST if argv[0] in ("solve", "replan", "what-if") else []))
    assert "is also" in line and "another file name" in line, line
    assert digest(files) == before  # nothing written, nothing replaced


def test_an_output_through_another_spelling_of_the_input_is_refused(
    capsys: pytest.CaptureFixture[str], files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    os.symlink(files / "p.json", files / "link.json")
    try:
        (line,) = bad_input(capsys, "solve", "p.json", "--out", "./link.json", *FAST)
    finally:
        (files / "link.json").unlink()
    assert "is also the input p.json" in line


def test_an_output_that_is_not_a_regular_file_is_refused_before_it_is_read(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)  # reading it would block for ever; /dev/full was read until memory ran out
    argv = ["solve", str(files / "p.json"), "--out", str(pipe), *FAST]
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
    worker.start()
    worker.join(timeout=60)  # a regression blocks on the pipe: fail, do not hang the suite
    assert codes == [2], "the CLI blocked on the pipe or did not refuse it"
    assert capsys.readouterr().err == f"error: {pipe}: is not a regular file\n"


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--time-limit", "--", "--time-limit: must be a positive, finite number of seconds"),
        ("--time-limit", "inf", "--time-limit: must be a positive, finite number of seconds"),
        ("--seed", "--", "--seed: must be a whole number between"),
        ("--workers", "--", "--workers: must be a whole number between 1 and"),
        ("--out", "", "--out: needs a file name"),
        ("--out", "--", "--out: needs a file name"),
    ],
)
def test_options_without_a_usable_value_are_bad_input(
    capsys: pytest.CaptureFixture[str], files: Path, option: str, value: str, expected: str
) -> None:
    argv = ["solve", files / "p.json", "--workers", "1", "--time-limit", "5"]
    (line,) = bad_input(capsys, *argv, f"{option}={value}")
    assert line.startswith(f"error: {expected}"), line


def test_a_plan_that_cannot_replace_its_file_is_written_beside_it(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan.json"
    out.write_text("{}", encoding="utf-8")  # no plan: the new one would replace it
    real = os.replace

    def refuse_the_target(src: str, dst: str) -> None:
        if Path(dst) == out:
            raise PermissionError(1, "Operation not permitted", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", refuse_the_target)
    code, stdout, err = run(capsys, "solve", files / "p.json", "--out", out, *FAST)
    assert (code, err) == (0, ""), err
    aside = tmp_path / "plan.rejected.json"
    assert f"could not write {out} (cannot write the file: Operation not permitted)" in stdout
    assert f"wrote {aside}" in stdout
    assert out.read_text(encoding="utf-8") == "{}"
    assert '"teams"' in aside.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json", "plan.rejected.json"]


def test_a_key_given_twice_is_bad_input_not_the_last_one_silently(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"thematic_fit": 1.0', '"thematic_fit": 1.0, "thematic_fit": 0.0', 1
    )
    assert text.count('"thematic_fit": 0.0') == 1
    problem = tmp_path / "p.json"
    problem.write_text(text, encoding="utf-8")
    (line,) = bad_input(capsys, "validate", problem, files / "a.json")
    assert line.startswith(f"error: {problem}: key 'thematic_fit' is given twice in one object")
    with pytest.raises(ProblemError) as raised:
        loads('{"a": {"b": 1, "b": 2}, "c": 1, "c": 2}', "x.json")
    assert [i.message.split(" is")[0] for i in raised.value.issues] == ["key 'b'", "key 'c'"]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"seed": 1.5}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"seed": True}, "seed"),
        ({"workers": 1.5}, "workers"),
        ({"workers": 0}, "workers"),
        ({"time_limit": float("inf")}, "time_limit"),
        ({"time_limit": True}, "time_limit"),
        ({"time_limit": "2"}, "time_limit"),
        ({"time_limit": 0, "seed": None, "workers": -1}, "time_limit seed workers"),
    ],
)
def test_the_api_refuses_bad_options_with_a_problem_error_naming_each(
    options: dict[str, object], named: str
) -> None:
    with pytest.raises(ProblemError) as raised:
        solve(tiny_problem(), **options)  # type: ignore[arg-type]
    assert [issue.record for issue in raised.value.issues] == named.split()


def test_replan_what_if_and_diagnose_refuse_bad_input_with_a_problem_error(
    files: Path,
) -> None:
    problem = load_problem(files / "p.json")
    allocation = load_allocation(files / "a.json")
    with pytest.raises(ProblemError, match="changes: expected a list of changes, not Dropout"):
        replan(problem, allocation, Dropout(participant="p07"))  # type: ignore[arg-type]
    with pytest.raises(ProblemError, match="changes: expected a list of changes, not NoneType"):
        what_if(problem, allocation, None)  # type: ignore[arg-type]
    with pytest.raises(ProblemError, match="time_limit"):
        diagnose(problem, time_limit=0)
    twice = allocation.teams[1].model_copy(update={"id": allocation.teams[0].id})
    doubled = allocation.model_copy(update={"teams": [allocation.teams[0], twice]})
    with pytest.raises(ProblemError) as raised:
        replan(problem, doubled, [Dropout(participant="p07")], time_limit=5, workers=1)
    assert str(raised.value.issues[0]).startswith(
        f"allocation.teams[1] (id {twice.id!r}).id: duplicate team id (also teams[0])"
    )


def test_rosters_of_a_plan_for_another_problem_or_a_broken_one_come_with_a_warning(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    other = ROOT / "examples" / "data" / "may-2026-two-cohorts.json"
    code, _, err = run(capsys, "export", other, files / "a.json", "-o", tmp_path / "r.xlsx")
    assert code == 0, err
    assert f"warning: {files / 'a.json'} was made for another problem (problem_sha256)" in err
    assert f"warning: {files / 'a.json'} breaks " in err
    code, _, err = run(
        capsys, "export", files / "p.json", files / "a.json", "-o", tmp_path / "s.xlsx"
    )
    assert (code, err) == (0, "")  # its own plan: no warning


def test_a_capacity_change_that_changes_nothing_is_bad_input(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    changes = tmp_path / "c.json"
    changes.write_text('[{"kind": "set_capacity", "host": "umea"}]', encoding="utf-8")
    (line,) = bad_input(capsys, "replan", files / "p.json", files / "a.json", changes, *FAST)
    assert line.startswith("error: changes[0]: give max_teams and/or max_participants")
