"""The allocation record: lookups that name what is missing, provenance, a readable table."""

from __future__ import annotations

import json
import re

import pytest
from conftest import cohort, host, participant, problem_data, team, tiny_problem

from icld_match import Problem, __version__, solve
from icld_match.records.result import Allocation, Status, TermValue, problem_sha256


def _allocation(**fields: object) -> Allocation:
    return Allocation.model_validate({"status": Status.FEASIBLE, **fields})


def test_term_finds_a_term_and_names_a_missing_one() -> None:
    fit = TermValue(name="thematic_fit", sense="reward", value=1.0, weight=1.0, contribution=1.0)
    allocation = _allocation(terms=[fit])
    assert allocation.term("thematic_fit") == fit
    with pytest.raises(KeyError, match=r"'nope'.*thematic_fit"):
        allocation.term("nope")


def test_problem_lookups_name_the_missing_id() -> None:
    problem = tiny_problem()
    for lookup in (problem.host, problem.cohort, problem.participant):
        with pytest.raises(KeyError, match="'nope'"):
            lookup("nope")


def test_the_problem_hash_ignores_layout_and_key_order() -> None:
    data = problem_data()
    shuffled = json.loads(json.dumps(data, default=str))
    shuffled["hosts"] = [dict(reversed(list(h.items()))) for h in shuffled["hosts"]]
    digest = problem_sha256(Problem.model_validate(data))
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert problem_sha256(Problem.model_validate(shuffled)) == digest
    other = problem_data(hosts=[host("H1"), host("H3")])
    assert problem_sha256(Problem.model_validate(other)) != digest


def test_solve_stamps_the_version_and_the_problem_hash() -> None:
    problem = tiny_problem()
    allocation = solve(problem, time_limit=5, workers=1)
    assert allocation.icld_match_version == __version__
    assert allocation.problem_sha256 == problem_sha256(problem)
    again = Allocation.from_json(allocation.to_json())
    assert again.problem_sha256 == allocation.problem_sha256


def test_old_allocation_files_without_provenance_still_load() -> None:
    allocation = Allocation.from_json('{"status": "infeasible"}')
    assert (allocation.icld_match_version, allocation.problem_sha256) == ("", "")


def test_summary_columns_never_run_together() -> None:
    """A 30-character cohort id and a 40-character host name keep their own columns."""
    long_cohort = "ITP-LOCAL-DEMOCRACY-2026-AUTUMN"
    long_host = "Region Västra Götaland, Regionkansliet"
    problem = Problem.model_validate(
        {
            "cohorts": [cohort(long_cohort)],
            "participants": [participant(f"P{i}", cohort=long_cohort) for i in (1, 2)],
            "hosts": [host("H1", name=long_host)],
        }
    )
    allocation = _allocation(teams=[team("T01", "H1", ["P1", "P2"], cohort=long_cohort)])
    header, row = allocation.summary(problem).splitlines()[-2:]
    cells = re.split(r" {2,}", row)
    assert cells[:3] == ["T01", long_cohort, long_host]
    assert header.index("host") == row.index(long_host)
    assert header.index("members") == row.index("Person P1")
    assert not header.endswith(" ") and not row.endswith(" ")


def test_travel_fields_at_their_defaults_leave_the_hash_as_before_they_existed() -> None:
    """The bundled example hashed as by the code before travel costs (commit 28d1b46), so
    plan files made then still match their problem; any travel data changes the hash."""
    from pathlib import Path

    from icld_match.io.json_files import load_problem

    path = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"
    problem = load_problem(path)
    before = "02c6545df26678899fadde6e7e2a803653f7aeb9178d33eb501b726e521a33f3"
    assert problem_sha256(problem) == before
    budgeted = problem.model_copy(update={"travel_budget": 1000.0})
    assert problem_sha256(budgeted) != before
