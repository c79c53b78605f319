"""Study visit records: schema, cross-record validation, allocation round trip."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import cohort, host, problem_data, tiny_problem

from icld_match import Allocation, Problem, ProblemError, Status, Visit
from icld_match.records.schema import study_visit_days, visit_window

VISITS = [{"id": "V1", "themes": {"water": 1.0}}, {"id": "V2", "days": ["2026-05-05"]}]
OFFER = {"capacity": 30, "themes": {"water": 0.5}}
LATER = [{"start": "2026-05-05", "end": "2026-05-09"}]


def visiting_problem() -> Problem:
    return tiny_problem(
        cohorts=[cohort(study_visits=VISITS)],
        hosts=[host("H1", group_visits=OFFER), host("H2")],
    )


def test_defaults_leave_problems_without_visits_unchanged() -> None:
    problem = tiny_problem()
    assert all(c.study_visits == [] for c in problem.cohorts)
    assert all(h.group_visits is None for h in problem.hosts)
    assert problem.weights.visit_fit == 1.0


def test_visit_days_come_from_the_visit_or_the_cohort_window() -> None:
    problem = visiting_problem()
    c1 = problem.cohorts[0]
    assert visit_window(c1) == [date(2026, 5, 4), date(2026, 5, 5)]
    assert study_visit_days(c1, c1.study_visits[0]) == visit_window(c1)
    assert study_visit_days(c1, c1.study_visits[1]) == [date(2026, 5, 5)]


def test_group_offer_days_and_host_availability_both_apply() -> None:
    offer = {**OFFER, "days": [{"start": "2026-05-04", "end": "2026-05-04"}]}
    problem = tiny_problem(
        hosts=[
            host("H1", group_visits=offer),
            host("H2", group_visits=OFFER, available=LATER),
        ]
    )
    h1, h2 = problem.hosts
    assert h1.receives_group(date(2026, 5, 4)) and not h1.receives_group(date(2026, 5, 5))
    assert h2.receives_group(date(2026, 5, 5)) and not h2.receives_group(date(2026, 5, 4))


def test_visit_errors_are_reported_at_once_naming_the_field() -> None:
    visits = [
        {"id": "V1", "themes": {"Water": 1.0, "water": 2.0}},
        {"id": "V1", "days": ["2026-05-04", "2026-05-04"]},
    ]
    offer = {**OFFER, "themes": {"a": 0.5, "A": 0.2}}
    with pytest.raises(ProblemError) as caught:
        tiny_problem(cohorts=[cohort(study_visits=visits)], hosts=[host("H1", group_visits=offer)])
    fields = {(i.record, i.field) for i in caught.value.issues}
    assert ("cohorts[0] (id 'C1')", "study_visits[0].themes") in fields
    assert ("cohorts[0] (id 'C1')", "study_visits[1].id") in fields
    assert ("cohorts[0] (id 'C1')", "study_visits[1].days") in fields
    assert ("hosts[0] (id 'H1')", "group_visits.themes") in fields


@pytest.mark.parametrize(
    "offer",
    [
        {"capacity": -1},
        {"capacity": 30, "themes": {"a": 1.5}},
        {"capacity": 30, "max_per_day": True},
        {"capacity": 30, "with_teams": 1},
    ],
)
def test_bad_group_offers_are_refused(offer: dict[str, object]) -> None:
    with pytest.raises(ProblemError, match="group_visits"):
        Problem.model_validate(problem_data(hosts=[host("H1", group_visits=offer)]))


def test_empty_day_list_is_refused() -> None:
    with pytest.raises(ProblemError, match="days"):
        tiny_problem(cohorts=[cohort(study_visits=[{"id": "V1", "days": []}])])


def test_allocation_visits_round_trip_and_summary() -> None:
    visit = Visit(cohort="C1", visit="V1", host="H1", day=date(2026, 5, 4), fit=0.5)
    allocation = Allocation(status=Status.FEASIBLE, visits=[visit])
    again = Allocation.from_json(allocation.to_json())
    assert again.visits == [visit]
    text = allocation.summary(visiting_problem())
    assert "V1" in text and "Host H1" in text and "2026-05-04" in text
    assert "visit" not in Allocation(status=Status.FEASIBLE).summary()
