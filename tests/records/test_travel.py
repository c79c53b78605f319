"""Trip costs: the distance rule, supplied costs, missing coordinates, and bad input."""

from __future__ import annotations

from typing import Any

import exhaustive
import numpy as np
import pytest
from conftest import cohort, host, problem_data

from icld_match import Problem
from icld_match.analysis.check import team_travel_cost
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.errors import ProblemError
from icld_match.records.travel import (
    budget_units,
    great_circle_km,
    travel_cost,
    travel_cost_matrix,
    trip_cost,
    uses_travel,
)

STOCKHOLM = {"name": "Stockholm", "lat": 59.33, "lon": 18.07}
VISBY = {"name": "Visby", "lat": 57.64, "lon": 18.30}
UMEA = {"lat": 63.83, "lon": 20.26}
MALMO = {"lat": 55.6, "lon": 13.0}


def travelling(**overrides: Any) -> Problem:
    """Two cohorts (Stockholm, Visby) and three hosts (Umeå, Malmö, one without location)."""
    data = problem_data(
        cohorts=[cohort("C1", base=STOCKHOLM), cohort("C2", base=VISBY)],
        hosts=[host("H1", location=UMEA), host("H2", location=MALMO), host("H3")],
    )
    data["participants"][2]["cohort"] = "C2"
    data["participants"][3]["cohort"] = "C2"
    data.update(overrides)
    return Problem.model_validate(data)


def test_stockholm_to_umea_costs_the_documented_formula() -> None:
    """About 514 km as the crow flies (4.5° north = 500 km, 2.19° east at 61.6° N = 116 km);
    x 1.3 road, x 2 return, x 3 SEK, + 1000 SEK."""
    problem = travelling()
    km = great_circle_km(problem.cohort("C1").base, problem.host("H1").location)  # type: ignore[arg-type]
    assert km == pytest.approx(513.6, abs=1)
    expected = round(2 * km * 1.3 * 3.0 + 1000.0, 2)
    assert travel_cost(problem, "C1", "H1") == pytest.approx(expected, abs=0.006)
    assert travel_cost(problem, "C1", "H1") == round(travel_cost(problem, "C1", "H1"), 2)


def test_missing_coordinates_cost_nothing() -> None:
    problem = travelling()
    assert travel_cost(problem, "C1", "H3") == 0.0
    assert trip_cost(None, problem.host("H1").location, problem.travel) == 0.0
    assert not uses_travel(
        Problem.model_validate(problem_data(cohorts=[cohort(base=STOCKHOLM)]))
    )  # a base but no host location
    assert uses_travel(problem)


def test_a_supplied_cost_replaces_the_distance_and_is_rounded_to_the_ore() -> None:
    problem = travelling(
        travel_costs=[
            {"cohort": "C1", "host": "H1", "cost": 1234.567},
            {"cohort": "C2", "host": "H3", "cost": 800.0},
        ]
    )
    assert travel_cost(problem, "C1", "H1") == 1234.57
    assert travel_cost(problem, "C2", "H3") == 800.0


def test_settings_change_the_cost() -> None:
    cheap = travelling(travel={"cost_per_km": 0.0, "cost_per_trip": 250.0, "road_factor": 1.0})
    assert travel_cost(cheap, "C1", "H1") == 250.0


def test_matrix_index_referee_and_oracle_agree() -> None:
    """Four implementations of one definition: records (scalar, vectorised), referee, oracle."""
    problem = travelling(travel_costs=[{"cohort": "C2", "host": "H2", "cost": 99.999}])
    matrix = travel_cost_matrix(problem)
    index = ProblemIndex.build(problem)
    for i, c in enumerate(problem.cohorts):
        for j, h in enumerate(problem.hosts):
            mine = travel_cost(problem, c.id, h.id)
            assert matrix[i, j] == pytest.approx(mine, abs=1e-9)
            assert team_travel_cost(problem, c, h) == pytest.approx(mine, abs=1e-9)
            assert exhaustive.trip_cost(problem, c.id, h.id) == pytest.approx(mine, abs=1e-9)
    assert np.array_equal(index.travel_cost, matrix)
    assert np.array_equal(index.travel_units, np.rint(matrix * 100).astype(np.int64))
    assert np.allclose(index.team_terms["travel"], matrix / 1000)


def test_problems_without_travel_data_have_no_travel_term_in_the_index() -> None:
    index = ProblemIndex.build(Problem.model_validate(problem_data()))
    assert "travel" not in index.team_terms
    assert not index.travel_units.any()


def test_budget_units_round_down_to_the_ore() -> None:
    assert budget_units(1000.0) == 100_000
    assert budget_units(0.1 + 0.2) == 30  # 0.30000000000000004 SEK
    assert budget_units(999.999) == 99_999


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"cohorts": [cohort(base={"lat": 91.0, "lon": 18.0})]}, "cohorts[0] (id 'C1').base.lat"),
        ({"hosts": [host("H1", location={"lat": 59.0, "lon": -181.0})]}, "location.lon"),
        ({"travel_costs": [{"cohort": "C1", "host": "H1", "cost": -5.0}]}, "travel_costs[0].cost"),
        ({"travel_costs": [{"cohort": "C9", "host": "H1", "cost": 5.0}]}, "unknown cohort 'C9'"),
        ({"travel_costs": [{"cohort": "C1", "host": "H9", "cost": 5.0}]}, "unknown host 'H9'"),
        ({"cohorts": [cohort(travel_budget=-1.0)]}, "cohorts[0] (id 'C1').travel_budget"),
        ({"travel_budget": -1.0}, "travel_budget"),
        ({"travel": {"road_factor": 0.5}}, "travel.road_factor"),
    ],
)
def test_bad_travel_input_names_the_record_and_field(change: dict[str, Any], where: str) -> None:
    with pytest.raises(ProblemError) as caught:
        Problem.model_validate(problem_data(**change))
    assert where in str(caught.value)


def test_a_pair_priced_twice_is_refused_with_every_other_error() -> None:
    twice = [{"cohort": "C1", "host": "H1", "cost": 5.0}] * 2
    with pytest.raises(ProblemError) as caught:
        Problem.model_validate(
            problem_data(travel_costs=[*twice, {"cohort": "CX", "host": "H1", "cost": 1.0}])
        )
    text = str(caught.value)
    assert "travel_costs[1].host: second travel cost for ('C1', 'H1')" in text
    assert "travel_costs[2].cohort: unknown cohort 'CX'" in text


def test_a_travel_weight_too_large_for_the_costs_is_refused_by_name() -> None:
    """1e12 SEK a trip x weight 1e6 per 1,000 SEK overflows the scaled objective."""
    with pytest.raises(ProblemError) as caught:
        Problem.model_validate(
            problem_data(
                travel_costs=[{"cohort": "C1", "host": "H1", "cost": 1e12}],
                weights={"travel": 1e6},
            )
        )
    assert "weights.travel: too large for this problem" in str(caught.value)


def test_defaults_leave_problems_without_travel_data_unchanged() -> None:
    problem = Problem.model_validate(problem_data())
    assert problem.travel_costs == [] and problem.travel_budget is None
    assert problem.weights.travel == 0.1
    assert all(c.base is None and c.travel_budget is None for c in problem.cohorts)
    assert all(h.location is None for h in problem.hosts)
    assert not uses_travel(problem)
