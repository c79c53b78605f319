"""Re-planning keeps a hard fit floor, and what-if re-solves a lexicographic problem."""

from __future__ import annotations

from typing import Any

from engine.test_rules import NO_SOFT, build, offers, themed

from icld_match import HostCancels, Problem, Status, check, replan, solve, what_if


def _floored(objective: str = "sum") -> Problem:
    """Four people on theme a; H1 and H2 fit them fully, H3 at 0.5, H4 at 0.1 (below)."""
    return build(
        [themed(f"P{i}", "a") for i in range(1, 5)],
        [
            host_with("H1", 1.0),
            host_with("H2", 1.0),
            host_with("H3", 0.5),
            host_with("H4", 0.1),
        ],
        team_size=(2, 2),
        weights=NO_SOFT,
        rules={
            "mixed_countries": "off",
            "organisation": "neutral",
            "fit_floor": 0.4,
            "objective": objective,
        },
    )


def host_with(hid: str, strength: float) -> dict[str, Any]:
    return offers(hid, "a", strength, capacity={"max_teams": 1, "max_participants": 2})


def test_replan_after_a_cancellation_keeps_the_floor() -> None:
    problem = _floored()
    before = solve(problem, workers=1)
    cancelled = before.teams[0].host
    change = replan(problem, before, [HostCancels(host=cancelled)], workers=1, time_limit=20)
    after = change.allocation
    assert after.status is Status.OPTIMAL
    assert check(change.problem, after) == []
    hosts = {t.host for t in after.teams}
    assert cancelled not in hosts and "H4" not in hosts  # H3 (0.5) replaces it, not H4


def test_what_if_re_solves_a_lexicographic_problem() -> None:
    problem = _floored("lexicographic")
    before = solve(problem, workers=1)
    change = what_if(problem, before, [HostCancels(host="H1")], workers=1, time_limit=20)
    assert check(change.problem, change.allocation) == []
    assert any("Lexicographic stage 1" in r for r in change.allocation.reasons)
