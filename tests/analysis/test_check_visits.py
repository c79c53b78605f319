"""The referee's study-visit clauses: each planted breach is reported under its rule, and
visit_fit is scored from the README's formula."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from conftest import allocation, cohort, host, participant, team

from icld_match import Allocation, Problem, Visit, check
from icld_match.analysis.check import score

MAY_4, MAY_5, MAY_6 = date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)


def problem(**offer: Any) -> Problem:
    """C1 (P1, P2; 4-5 May) and C2 (Q1, Q2; same days) each need visit V1 on theme 'a';
    G1 receives groups of up to 2 (one a day), H1 takes teams and groups."""
    visits = [{"id": "V1", "themes": {"a": 3.0, "b": 1.0}}]
    return Problem.model_validate(
        {
            "cohorts": [cohort("C1", study_visits=visits), cohort("C2", study_visits=visits)],
            "participants": [
                participant("P1"),
                participant("P2"),
                participant("Q1", "C2"),
                participant("Q2", "C2"),
            ],
            "hosts": [
                host(
                    "H1",
                    capacity={"max_teams": 2, "max_participants": 4},
                    group_visits={"capacity": 30, "themes": {"a": 1.0}},
                ),
                host("H2"),
                host("G1", group_visits={"capacity": 2, "themes": {"A": 0.4, "b": 1.0}, **offer}),
            ],
        }
    )


TEAMS = [team("T1", "H1", ["P1", "P2"]), team("T2", "H2", ["Q1", "Q2"], cohort="C2")]


def plan(*visits: tuple[str, str, date]) -> Allocation:
    chosen = [Visit(cohort=c, visit="V1", host=h, day=d, fit=0.0) for c, h, d in visits]
    return allocation(*TEAMS).model_copy(update={"visits": chosen})


def rules(p: Problem, a: Allocation) -> list[str]:
    return [v.rule for v in check(p, a)]


def test_a_valid_plan_passes() -> None:
    assert check(problem(), plan(("C1", "G1", MAY_4), ("C2", "G1", MAY_5))) == []


def test_missing_double_and_unknown_visits_break_placement() -> None:
    p = problem()
    assert rules(p, plan(("C1", "G1", MAY_4))) == ["visit_placement"]
    doubled = plan(("C1", "G1", MAY_4), ("C1", "G1", MAY_5), ("C2", "H2", MAY_4))
    assert "visit_placement" in rules(p, doubled)
    unknown = plan(("C1", "G1", MAY_4), ("C2", "G9", MAY_5))
    assert rules(p, unknown) == ["visit_placement"]
    extra = plan(("C1", "G1", MAY_4), ("C2", "G1", MAY_5), ("C3", "G1", MAY_5))
    assert "visit_placement" in rules(p, extra)


def test_a_group_larger_than_the_capacity_breaks_visit_capacity() -> None:
    data = problem().model_dump()
    data["hosts"][2]["group_visits"]["capacity"] = 1  # cohorts have 2 people
    p = Problem.model_validate(data)
    assert rules(p, plan(("C1", "G1", MAY_4), ("C2", "H1", MAY_5))) == ["visit_capacity"]


@pytest.mark.parametrize(
    ("offer", "day", "host_id"),
    [
        ({}, MAY_6, "G1"),  # not a day of the visit (the cohort's internship)
        ({"days": [{"start": "2026-05-05", "end": "2026-05-05"}]}, MAY_4, "G1"),
        ({}, MAY_4, "H2"),  # H2 receives no groups
    ],
)
def test_a_day_or_host_not_offered_breaks_visit_days(
    offer: dict[str, Any], day: date, host_id: str
) -> None:
    p = problem(**offer)
    assert rules(p, plan(("C1", host_id, day), ("C2", "H1", MAY_5))) == ["visit_days"]


def test_host_availability_applies_to_visits() -> None:
    data = problem().model_dump()
    data["hosts"][2]["available"] = [{"start": MAY_5, "end": MAY_5}]
    p = Problem.model_validate(data)
    assert rules(p, plan(("C1", "G1", MAY_4), ("C2", "H1", MAY_5))) == ["visit_days"]


def test_two_groups_a_day_break_visit_per_day_over_all_cohorts() -> None:
    p = problem()
    assert rules(p, plan(("C1", "G1", MAY_4), ("C2", "G1", MAY_4))) == ["visit_per_day"]
    assert check(problem(max_per_day=2), plan(("C1", "G1", MAY_4), ("C2", "G1", MAY_4))) == []


def test_a_group_beside_its_own_team_breaks_visit_clash() -> None:
    p = problem()
    assert rules(p, plan(("C1", "H1", MAY_4), ("C2", "G1", MAY_5))) == ["visit_clash"]
    # another cohort's team at the host is no clash
    assert check(p, plan(("C1", "G1", MAY_4), ("C2", "H1", MAY_5))) == []


def test_with_teams_allows_the_group_beside_its_team() -> None:
    data = problem().model_dump()
    data["hosts"][0]["group_visits"]["with_teams"] = True
    p = Problem.model_validate(data)
    assert check(p, plan(("C1", "H1", MAY_4), ("C2", "G1", MAY_5))) == []


def test_visit_fit_is_the_weighted_share_of_themes_covered() -> None:
    """V1 weighs a 3, b 1; G1 shows a 0.4 (tag case ignored), b 1.0: (1.2 + 1) / 4 = 0.55;
    H1 shows a 1.0: 3 / 4 = 0.75."""
    p = problem()
    terms = {t.name: t for t in score(p, plan(("C1", "G1", MAY_4), ("C2", "H1", MAY_5)))}
    assert terms["visit_fit"].value == pytest.approx(0.55 + 0.75)
    assert terms["visit_fit"].contribution == pytest.approx(1.3)
    without = Problem.model_validate({**p.model_dump(), "cohorts": [cohort("C1"), cohort("C2")]})
    assert "visit_fit" not in {t.name for t in score(without, allocation(*TEAMS))}
