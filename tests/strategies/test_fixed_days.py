"""Windows in the portfolio: days picked first (``fixed_days``), then the joint model."""

from __future__ import annotations

from datetime import date, timedelta

import exhaustive
import pytest
from conftest import host, participant

from icld_match import Problem, check, solve
from icld_match.index.problem_index import ProblemIndex
from icld_match.strategies import exact
from icld_match.strategies.calendar import fixed_days

MON = date(2026, 5, 4)


def two_cohorts(policy: str = "per_cohort") -> Problem:
    """Two windowed cohorts of four, two hosts holding one team at a time."""
    return Problem.model_validate(
        {
            "cohorts": [
                {
                    "id": c,
                    "name": c,
                    "window": {"start": MON, "end": MON + timedelta(5)},
                    "team_size": {"min": 2, "max": 2},
                }
                for c in ("C1", "C2")
            ],
            "participants": [
                participant(f"{c}P{i}", cohort=c, themes={"a": 1.0})
                for c in ("C1", "C2")
                for i in range(4)
            ],
            "hosts": [
                host(h, themes={"a": 1.0}, capacity={"max_teams": 1, "max_participants": 2})
                for h in ("H1", "H2")
            ],
            "rules": {"internship_dates": policy},
        }
    )


def test_fixed_days_gives_cohorts_apart_days_and_no_windows() -> None:
    problem = two_cohorts()
    fixed = fixed_days(ProblemIndex.build(problem))
    assert all(c.window is None and c.internship is not None for c in fixed.cohorts)
    c1, c2 = (c.internship for c in fixed.cohorts)
    assert c1 is not None and c2 is not None and not c1.overlaps(c2)
    assert not ProblemIndex.build(fixed).has_windows


def test_fixed_days_keep_the_visits_on_every_day_of_the_window() -> None:
    data = two_cohorts().model_dump()
    data["cohorts"][0]["study_visits"] = [{"id": "V1"}, {"id": "V2", "days": [MON]}]
    problem = Problem.model_validate(data)
    visits = fixed_days(ProblemIndex.build(problem)).cohorts[0].study_visits
    window = [MON + timedelta(d) for d in range(6)]
    assert [(v.id, v.days) for v in visits] == [("V1", window), ("V2", [MON])]


@pytest.mark.parametrize("policy", ["per_cohort", "per_team"])
def test_windowed_plan_is_valid_and_optimal(policy: str) -> None:
    problem = two_cohorts(policy)
    allocation = solve(problem, workers=1, time_limit=30)
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    assert "fixed-days" in (allocation.strategy or "")
    assert allocation.status == "optimal"  # the joint exact model proves it


def test_without_the_exact_model_the_fixed_days_plan_stands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Too large for the exact model: the fixed-days plan is returned, and it is valid."""
    monkeypatch.setattr(exact, "EXACT_LIMIT", 0)
    problem = two_cohorts("per_team")
    allocation = solve(problem, workers=1, time_limit=10)
    assert allocation.is_feasible() and check(problem, allocation) == []
    assert "exact(windows)" not in (allocation.strategy or "")


def test_relaxed_mode_keeps_the_fixed_days_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relaxed, without the exact model: the fixed-days plan with people left out is kept
    (only 'in no team' breaches, for exactly the people it leaves out)."""
    monkeypatch.setattr(exact, "EXACT_LIMIT", 0)
    problem = two_cohorts("per_cohort").model_copy()
    crowded = Problem.model_validate(
        {
            **problem.model_dump(),
            "hosts": [
                host("H1", themes={"a": 1.0}, capacity={"max_teams": 1, "max_participants": 2})
            ],
        }
    )
    allocation = solve(crowded, workers=1, time_limit=10, allow_unplaced=True)
    assert allocation.is_feasible() and allocation.teams
    left_out = {u.participant for u in allocation.unplaced}
    assert left_out and {v.rule for v in check(crowded, allocation)} == {"placement"}
    placed = {m for t in allocation.teams for m in t.members}
    assert placed | left_out == {p.id for p in crowded.participants}
