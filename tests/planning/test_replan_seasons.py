"""Re-planning keeps the hard partnership and revisit rules and the season terms."""

from __future__ import annotations

from conftest import cohort, host, participant

from icld_match import Dropout, HostCancels, Problem, Status, check, replan, solve


def partnered() -> Problem:
    """Six participants; P1 and P2 come from Kisumu, a partner of H2 and H3; X's
    organisation visited H1 in 2025."""
    return Problem.model_validate(
        {
            "cohorts": [cohort(team_size=(2, 3))],
            "participants": [
                participant("P1", home_municipality="Kisumu", themes={"a": 1.0}),
                participant("P2", home_municipality="kisumu", themes={"a": 1.0}),
                participant("P3", organisation="X", themes={"a": 1.0}),
                participant("P4", themes={"a": 1.0}),
                participant("P5", themes={"a": 1.0}),
                participant("P6", themes={"a": 1.0}),
            ],
            "hosts": [
                host("H1", themes={"a": 1.0}),
                host("H2", themes={"a": 0.5}, partners=["Kisumu"]),
                host("H3", themes={"a": 0.2}, partners=["Kisumu"]),
            ],
            "history": [{"season": "2025", "host": "H1", "organisations": ["X"]}],
            "rules": {"partnership": "hard", "revisit": "hard"},
        }
    )


def test_replan_after_a_partner_host_cancels_keeps_the_hard_rules() -> None:
    problem = partnered()
    first = solve(problem, workers=1, time_limit=30)
    assert first.status is Status.OPTIMAL and check(problem, first) == []
    kisumu_host = (
        first.host_of("P1")
        if hasattr(first, "host_of")
        else next(t.host for t in first.teams if "P1" in t.members)
    )
    result = replan(problem, first, [HostCancels(host=kisumu_host), Dropout(participant="P6")])
    assert result.allocation.is_feasible()
    changed = result.problem
    assert check(changed, result.allocation) == []
    at = {m: t.host for t in result.allocation.teams for m in t.members}
    assert {at["P1"], at["P2"]} <= {"H2", "H3"} - {kisumu_host}
    assert at["P3"] != "H1"
