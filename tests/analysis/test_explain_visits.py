"""explain() lists each study visit with its host, day and fit, and says what keeps the
group off a better host."""

from __future__ import annotations

import json

from conftest import cohort, host, participant

from icld_match import Problem, explain, solve

VISITS = [{"id": "V1", "themes": {"a": 1.0}}]


def clash_problem() -> Problem:
    """H1 is the team's only host and the best group host; the clash sends the group to G2."""
    return Problem.model_validate(
        {
            "cohorts": [cohort(study_visits=VISITS)],
            "participants": [participant("P1"), participant("P2")],
            "hosts": [
                host("H1", group_visits={"capacity": 30, "themes": {"a": 1.0}}),
                host("G2", languages=["sv"], group_visits={"capacity": 30, "themes": {"a": 0.3}}),
            ],
        }
    )


def test_explain_lists_each_visit_with_host_day_fit_and_why() -> None:
    problem = clash_problem()
    allocation = solve(problem, workers=1, time_limit=20)
    e = explain(problem, allocation)
    assert e.valid
    [visit] = e.visits
    assert (visit.visit, visit.host, visit.fit, visit.open_hosts) == ("V1", "G2", 0.3, 2)
    assert visit.best_open_host == "H1" and visit.best_open_fit == 1.0
    assert "visit_clash" in visit.why and "T01" in visit.why
    term = next(t for t in e.terms if t.name == "visit_fit")
    assert term.matches == [f"V1 of C1 at Host G2 on {visit.day}: fit 0.30"]
    text = e.to_text()
    assert "Study visits" in text and f"V1  C1  Host G2 (G2)  {visit.day}  fit 0.30" in text
    assert any(line.split() == ["visit_clash", "holds"] for line in text.splitlines())
    assert json.loads(e.model_dump_json())["visits"][0]["host"] == "G2"


def test_explanations_without_visits_have_no_visit_section() -> None:
    problem = clash_problem().model_copy(
        update={
            "cohorts": [
                Problem.model_validate(
                    {**clash_problem().model_dump(), "cohorts": [cohort()]}
                ).cohorts[0]
            ]
        }
    )
    e = explain(problem, solve(problem, workers=1, time_limit=20))
    assert e.visits == [] and "Study visits" not in e.to_text()
