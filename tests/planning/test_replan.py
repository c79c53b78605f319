"""Re-planning moves the fewest participants (checked by brute force), then optimises;
what-if reports the score change per term."""

from __future__ import annotations

from pathlib import Path

import exhaustive
import pytest
from conftest import examples
from generators import feasible_problems
from hypothesis import event, given, settings
from hypothesis import strategies as st

from icld_match import (
    Allocation,
    Change,
    Dropout,
    Force,
    HostCancels,
    Problem,
    SetCapacity,
    Status,
    check,
    replan,
    solve,
    what_if,
)
from icld_match.io.json_files import load_problem

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"
TIGHT = 1e-3


def moved(before: Allocation, after: Allocation, problem: Problem) -> int:
    """Participants of the old plan still in the problem whose host differs (or is gone)."""
    old = {m: t.host for t in before.teams for m in t.members}
    new = {m: t.host for t in after.teams for m in t.members}
    present = {p.id for p in problem.participants}
    return sum(1 for pid, host in old.items() if pid in present and new.get(pid) != host)


@st.composite
def changes_for(draw: st.DrawFn, problem: Problem) -> list[Change]:
    """One to three changes that keep every cohort non-empty."""
    options: list[Change] = []
    by_cohort: dict[str, list[str]] = {}
    for p in problem.participants:
        by_cohort.setdefault(p.cohort, []).append(p.id)
    options += [Dropout(participant=m) for ms in by_cohort.values() if len(ms) > 1 for m in ms]
    options += [HostCancels(host=h.id) for h in problem.hosts]
    options += [
        SetCapacity(host=h.id, max_participants=max(0, h.capacity.max_participants - 2))
        for h in problem.hosts
    ]
    options += [
        Force(participant=p.id, host=h.id) for p in problem.participants[:2] for h in problem.hosts
    ]
    drawn = draw(st.lists(st.sampled_from(options), min_size=1, max_size=3, unique=True))
    # keep each change that leaves every cohort a member and forces no one who left
    # (a filter on the drawn list, not an assume: no input is discarded)
    picked: list[Change] = []
    left = {c: set(ms) for c, ms in by_cohort.items()}
    for change in drawn:
        if isinstance(change, Dropout):
            home = next(c for c, ms in by_cohort.items() if change.participant in ms)
            if len(left[home]) < 2 or any(
                isinstance(k, Force) and k.participant == change.participant for k in picked
            ):
                continue
            left[home].discard(change.participant)
        if isinstance(change, Force) and not any(change.participant in ms for ms in left.values()):
            continue
        picked.append(change)
    return picked


@settings(max_examples=examples(150), deadline=None)
@given(st.data())
def test_replan_moves_the_fewest_participants(data: st.DataObject) -> None:
    problem = data.draw(feasible_problems(max_participants=6, max_hosts=3, fairness=True))
    before = solve(problem, workers=1, time_limit=60)
    assert before.status is Status.OPTIMAL
    changes = data.draw(changes_for(problem))
    outcome = replan(problem, before, changes, workers=1, time_limit=60)
    changed = outcome.problem
    candidates = [
        Allocation(status=Status.FEASIBLE, teams=teams)
        for teams in exhaustive.candidates(changed)
        if not exhaustive.violations(changed, teams)
    ]
    event("feasible after changes" if candidates else "infeasible after changes")
    if not candidates:
        assert outcome.allocation.status is Status.INFEASIBLE
        assert outcome.allocation.reasons
        return
    assert outcome.allocation.status is Status.OPTIMAL
    assert check(changed, outcome.allocation) == []
    fewest = min(moved(before, c, changed) for c in candidates)
    assert len(outcome.moves) == moved(before, outcome.allocation, changed) == fewest
    # second objective: the best score among plans with that few moves
    best = max(
        exhaustive.allocation_value(changed, c)
        for c in candidates
        if moved(before, c, changed) == fewest
    )
    assert outcome.allocation.objective is not None
    assert outcome.allocation.objective == pytest.approx(
        exhaustive.allocation_value(changed, outcome.allocation), abs=1e-9
    )
    tolerance = TIGHT * 4 * len(changed.participants)
    assert best - tolerance <= outcome.allocation.objective <= best + 1e-9


@pytest.fixture(scope="module")
def example() -> tuple[Problem, Allocation]:
    problem = load_problem(EXAMPLE)
    return problem, solve(problem, workers=1, time_limit=30)


def test_dropout_keeps_everyone_else_in_place(example: tuple[Problem, Allocation]) -> None:
    problem, before = example
    team = next(t for t in before.teams if len(t.members) >= 3)
    outcome = replan(problem, before, [Dropout(participant=team.members[0])], workers=1)
    assert outcome.allocation.status is Status.OPTIMAL
    assert outcome.moves == [] and outcome.added == []
    assert outcome.kept == len(problem.participants) - 1
    assert check(outcome.problem, outcome.allocation) == []


def test_host_cancelling_moves_only_its_team(example: tuple[Problem, Allocation]) -> None:
    problem, before = example
    team = before.teams[-1]
    outcome = replan(problem, before, [HostCancels(host=team.host)], workers=1)
    assert outcome.allocation.status is Status.OPTIMAL
    assert {m.participant for m in outcome.moves} == set(team.members)
    assert all(m.why == f"host {team.host} cancelled" for m in outcome.moves)
    assert all(m.to_host != team.host for m in outcome.moves)
    assert check(outcome.problem, outcome.allocation) == []


def test_what_if_reports_term_deltas(example: tuple[Problem, Allocation]) -> None:
    problem, before = example
    first = before.teams[0]
    other = next(
        h.id
        for h in problem.hosts
        if h.id not in {t.host for t in before.teams}
        and h.available is None
        and "step-free" in h.accessibility
    )
    pid = next(m for m in first.members if not problem.participant(m).access_needs)
    outcome = what_if(problem, before, [Force(participant=pid, host=other)], workers=1)
    after = outcome.allocation
    if not after.is_feasible():
        pytest.skip("forcing this pair is infeasible for the example")
    assert after.team_of(pid) is not None and after.team_of(pid).host == other  # type: ignore[union-attr]
    assert outcome.objective_delta == pytest.approx(after.objective - before.objective)  # type: ignore[operator]
    assert sum(outcome.term_deltas.values()) == pytest.approx(outcome.objective_delta)
    assert outcome.objective_delta <= 1e-9  # the old plan was optimal
    forced = next(m for m in outcome.moves if m.participant == pid)
    assert forced.why == f"forced to {other} by the change"


def test_replan_keeps_the_travel_budget() -> None:
    """H3 (fit 1) costs 5000 SEK a trip, H1 (fit 0.5) and H2 (fit 0.2) 500 SEK; the budget
    of 6000 SEK pays one trip to H3. When H1 cancels, its team moves to H2, not to H3."""
    themes = {"a": 1.0}
    problem = Problem.model_validate(
        {
            "cohorts": [
                {
                    "id": "C1",
                    "name": "C1",
                    "internship": {"start": "2026-05-04", "end": "2026-05-05"},
                    "team_size": {"min": 2, "max": 2},
                    "travel_budget": 6000.0,
                }
            ],
            "participants": [
                {
                    "id": f"P{i}",
                    "name": f"P{i}",
                    "cohort": "C1",
                    "country": "Kenya",
                    "languages": ["en"],
                    "themes": themes,
                }
                for i in range(1, 5)
            ],
            "hosts": [
                {
                    "id": h,
                    "name": h,
                    "municipality": h,
                    "languages": ["en"],
                    "themes": {"a": fit},
                    "capacity": {"max_teams": 2, "max_participants": 4},
                }
                for h, fit in (("H1", 0.5), ("H2", 0.2), ("H3", 1.0))
            ],
            "travel_costs": [
                {"cohort": "C1", "host": h, "cost": cost}
                for h, cost in (("H1", 500.0), ("H2", 500.0), ("H3", 5000.0))
            ],
        }
    )
    before = solve(problem, workers=1, time_limit=60)
    assert sorted(t.host for t in before.teams) == ["H1", "H3"]
    result = replan(problem, before, [HostCancels(host="H1")], workers=1, time_limit=60)
    assert check(result.problem, result.allocation) == []
    assert sorted(t.host for t in result.allocation.teams) == ["H2", "H3"]
    assert result.term_deltas["travel"] == pytest.approx(0.0)  # 500 SEK either way
