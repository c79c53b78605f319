"""Re-planning keeps the study visits: a dropout moves no visit; a host that cancels has
its visits re-assigned, and the summary says so."""

from __future__ import annotations

from datetime import date

from conftest import allocation, cohort, host, participant, team

from icld_match import Allocation, Dropout, HostCancels, Problem, Visit, check, replan, what_if

MAY_4 = date(2026, 5, 4)


def problem() -> Problem:
    """C1 (P1-P3, one team at H1) needs V1; G1 fits the group best (1.0), G2 less (0.3)."""
    return Problem.model_validate(
        {
            "cohorts": [cohort(team_size=(2, 3), study_visits=[{"id": "V1", "themes": {"a": 1}}])],
            "participants": [participant("P1"), participant("P2"), participant("P3")],
            "hosts": [
                host("H1"),
                host("G1", languages=["sv"], group_visits={"capacity": 30, "themes": {"a": 1.0}}),
                host("G2", languages=["sv"], group_visits={"capacity": 30, "themes": {"a": 0.3}}),
            ],
        }
    )


def plan(visit_host: str) -> Allocation:
    visit = Visit(cohort="C1", visit="V1", host=visit_host, day=MAY_4, fit=0.0)
    return allocation(team("T01", "H1", ["P1", "P2", "P3"])).model_copy(update={"visits": [visit]})


def test_a_dropout_moves_no_visit() -> None:
    """The old plan has the group at G2 (a coordinator's choice); G1 would fit better, but
    replan keeps what it can: the team minus P3, the visit where it was."""
    before = plan("G2")
    assert check(problem(), before) == []
    change = replan(problem(), before, [Dropout(participant="P3")], workers=1, time_limit=20)
    after = change.allocation
    assert check(change.problem, after) == []
    assert [(v.host, v.day) for v in after.visits] == [("G2", MAY_4)]
    assert change.visit_moves == []
    # what-if re-solves from scratch: the group goes to the best host
    fresh = what_if(problem(), before, [Dropout(participant="P3")], workers=1, time_limit=20)
    assert [v.host for v in fresh.allocation.visits] == ["G1"]


def test_a_cancelled_host_has_its_visits_reassigned() -> None:
    before = plan("G1")
    change = replan(problem(), before, [HostCancels(host="G1")], workers=1, time_limit=20)
    after = change.allocation
    assert check(change.problem, after) == []
    assert [v.host for v in after.visits] == ["G2"]
    assert change.visit_moves == [f"V1 of C1: G1 {MAY_4} -> G2 {after.visits[0].day}"]
    assert f"visit V1 of C1: G1 {MAY_4} -> G2" in change.summary()
    assert change.kept == 3


def test_replan_keeps_the_travel_budget_for_a_moved_visit() -> None:
    """Based in Stockholm, budget 6000 SEK: one group trip nearby (6 x 1000 SEK). When G1
    (near, fit 1.0) cancels, the visit goes to G3 (near, fit 0.1), not to G2 in Malmö (fit
    0.5, 30,000 SEK: over budget), although the travel weight is 0."""
    here = {"lat": 59.33, "lon": 18.07}

    def group(hid: str, strength: float, where: dict[str, float]) -> dict[str, object]:
        offer = {"capacity": 30, "themes": {"a": strength}}
        return host(hid, languages=["sv"], location=where, group_visits=offer)

    data = problem().model_dump()
    data["cohorts"][0]["base"] = {"name": "Stockholm", **here}
    data["cohorts"][0]["travel_budget"] = 6000.0
    data["hosts"][1:] = [
        group("G1", 1.0, here),
        group("G2", 0.5, {"lat": 55.6, "lon": 13.0}),
        group("G3", 0.1, here),
    ]
    data["weights"]["travel"] = 0.0
    budgeted = Problem.model_validate(data)
    before = plan("G1")
    assert check(budgeted, before) == []
    change = replan(budgeted, before, [HostCancels(host="G1")], workers=1, time_limit=20)
    after = change.allocation
    assert check(change.problem, after) == []
    assert [v.host for v in after.visits] == ["G3"]
