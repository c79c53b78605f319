"""Rosters out: a sheet per host and cohort, one row per participant, a participants' variant."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from icld_match import (
    Allocation,
    Problem,
    load_problem,
    solve,
)
from icld_match.cli import main
from icld_match.io.roster import roster_tables

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


@pytest.fixture(scope="module")
def planned() -> tuple[Problem, Allocation]:
    problem = load_problem(EXAMPLE)
    return problem, solve(problem, time_limit=20, seed=0, workers=1)


def test_sheets_per_host_cohort_and_participant(planned: tuple[Problem, Allocation]) -> None:
    problem, allocation = planned
    tables = {t.name: t for t in roster_tables(problem, allocation)}
    hosts = {problem.host(t.host).name for t in allocation.teams}
    assert hosts <= tables.keys() and "summary" in tables and "cohort ITP-LD-2026" in tables
    people = tables["participants"]
    assert len(people.rows) == len(problem.participants)
    assert "fit" in people.header and "host rank" in people.header
    malmo = tables["Malmö stad"]
    names = {row[malmo.header.index("name")] for _, row in malmo.rows}
    team = next(t for t in allocation.teams if t.host == "malmo")
    assert names == {problem.participant(m).name for m in team.members}


def test_participants_audience_has_no_scores(planned: tuple[Problem, Allocation]) -> None:
    problem, allocation = planned
    tables = roster_tables(problem, allocation, "participants")
    assert "summary" not in {t.name for t in tables}
    for table in tables:
        assert not {"fit", "fit with host", "host rank", "open hosts"} & set(table.header)


def test_export_cli_xlsx_and_csv(tmp_path: Path, planned: tuple[Problem, Allocation]) -> None:
    _, allocation = planned
    alloc = tmp_path / "a.json"
    alloc.write_text(allocation.to_json())
    assert main(["export", str(EXAMPLE), str(alloc), "-o", str(tmp_path / "plan.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert {"summary", "participants", "Malmö stad"} <= set(book.sheetnames)
    out = tmp_path / "plan"
    args = ["export", str(EXAMPLE), str(alloc), "-o", str(out), "--audience", "participants"]
    assert main(args) == 0
    assert (out / "participants.csv").exists() and (out / "Malmö stad.csv").exists()
    assert main(["export", str(EXAMPLE), str(tmp_path / "missing.json"), "-o", str(out)]) == 2
