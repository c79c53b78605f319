"""Study visits in the rosters and the HTML report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import allocation, cohort, host, participant, team

from icld_match import Allocation, Problem, Visit
from icld_match.cli import main
from icld_match.io.report import render_report
from icld_match.io.roster import roster_tables


def planned() -> tuple[Problem, Allocation]:
    problem = Problem.model_validate(
        {
            "cohorts": [cohort(study_visits=[{"id": "V1", "themes": {"a": 1.0}}])],
            "participants": [participant("P1"), participant("P2")],
            "hosts": [
                host("H1"),
                host("G1", group_visits={"capacity": 30, "themes": {"a": 0.5}}),
            ],
        }
    )
    visit = Visit(cohort="C1", visit="V1", host="G1", day=date(2026, 5, 4), fit=0.5)
    plan = allocation(team("T01", "H1", ["P1", "P2"])).model_copy(update={"visits": [visit]})
    return problem, plan


def test_roster_has_a_study_visits_sheet_without_scores_for_participants() -> None:
    problem, plan = planned()
    sheets = {t.name: t for t in roster_tables(problem, plan)}
    visits = sheets["study visits"]
    assert visits.header == ["cohort", "visit", "day", "host", "municipality", "people", "fit"]
    assert visits.rows[0][1] == ["C1", "V1", date(2026, 5, 4), "Host G1", "Municipality G1", 2, 0.5]
    public = {t.name: t for t in roster_tables(problem, plan, "participants")}
    assert "fit" not in public["study visits"].header


def test_report_lists_the_cohort_visits() -> None:
    problem, plan = planned()
    html = render_report(problem, plan)
    assert "Study visits (whole group)" in html and "Host G1" in html and "2026-05-04" in html


def test_exporting_a_problem_with_visits_keeps_them_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem, _ = planned()
    source = tmp_path / "problem.json"
    source.write_text(problem.to_json(), encoding="utf-8")
    assert main(["export", str(source), "-o", str(tmp_path / "problem.xlsx")]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["import", str(tmp_path / "problem.xlsx"), "-o", str(tmp_path / "back.json")]) == 0
    assert Problem.model_validate_json((tmp_path / "back.json").read_text()) == problem
