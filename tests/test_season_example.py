"""The bundled season (examples/data/season-2026.json) solves to a plan the referee accepts."""

from __future__ import annotations

from pathlib import Path

from icld_match import check, load_problem, solve

SEASON = Path(__file__).resolve().parents[1] / "examples" / "data" / "season-2026.json"


def test_the_bundled_season_uses_every_season_feature() -> None:
    problem = load_problem(SEASON)
    assert len(problem.cohorts) >= 8 and len(problem.hosts) >= 40
    assert all(c.window is not None and c.study_visits and c.base for c in problem.cohorts)
    assert all(h.location is not None for h in problem.hosts)
    assert any(h.group_visits for h in problem.hosts) and problem.history
    assert any(h.partners for h in problem.hosts)


def test_the_bundled_season_solves_to_a_valid_plan() -> None:
    problem = load_problem(SEASON)
    plan = solve(problem, time_limit=10, workers=1)
    assert plan.is_feasible()
    assert check(problem, plan) == []
    assert len(plan.visits) == sum(len(c.study_visits) for c in problem.cohorts)
    for cohort in problem.cohorts:  # per_cohort: one pair of days for the whole cohort
        days = {(t.start, t.end) for t in plan.teams if t.cohort == cohort.id}
        assert len(days) == 1
