"""What one team's (or one cohort's) trip from its base to a host costs, in SEK.

ICLD pays all travel. A cohort is housed at a base (``Cohort.base``), a host has
approximate coordinates (``Host.location``); a trip there and back costs

    cost = 2 x great-circle km x road_factor x cost_per_km + cost_per_trip

(settings in ``Problem.travel``), rounded to the öre (1/100 SEK), unless the problem
supplies the pair's cost (``Problem.travel_costs``), which then wins (also rounded to the
öre). A missing base or location with no supplied cost costs 0. Rounding every cost to
the öre makes sums exact in the solver's integers, so a budget means the same to the
model and to the referee.

These are the definitions the index and the cost reports use; the referee
(:mod:`icld_match.analysis.check`) and the test oracle implement them again on their own.
A whole-group study visit costs ``group_factor`` x one team's distance-based trip
(:func:`visit_travel_cost`); a supplied cost is a team's and does not apply to visits.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .schema import Problem, TravelSettings

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: Costs are whole öre: the solver counts budgets in these units.
UNITS_PER_SEK = 100
#: The referee accepts a plan whose travel cost is at most this far above a budget (SEK):
#: less than one öre, so only float rounding of sums is forgiven.
BUDGET_TOLERANCE = 0.005


class Point(Protocol):
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


def great_circle_km(a: Point, b: Point) -> float:
    """Haversine distance between two points on a sphere of the Earth's mean radius."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def to_ore(sek: float) -> float:
    """SEK rounded to the öre (half to even, on the float value x 100)."""
    return round(sek * UNITS_PER_SEK) / UNITS_PER_SEK


def trip_cost(base: Point | None, location: Point | None, settings: TravelSettings) -> float:
    """One return trip from ``base`` to ``location`` in SEK (0 if either is unknown)."""
    if base is None or location is None:
        return 0.0
    km = great_circle_km(base, location) * settings.road_factor
    return to_ore(2 * km * settings.cost_per_km + settings.cost_per_trip)


def travel_cost(problem: Problem, cohort_id: str, host_id: str) -> float:
    """SEK for one trip of a team (or the whole group) of ``cohort_id`` to ``host_id``.

    A supplied ``travel_costs`` entry wins; else the distance-based :func:`trip_cost`.
    Raises ``KeyError`` for an unknown id.
    """
    cohort, host = problem.cohort(cohort_id), problem.host(host_id)
    for given in problem.travel_costs:
        if given.cohort == cohort_id and given.host == host_id:
            return to_ore(given.cost)
    return trip_cost(cohort.base, host.location, problem.travel)


def visit_travel_cost(problem: Problem, cohort_id: str, host_id: str) -> float:
    """SEK for one study visit: the whole cohort's trip from its base to ``host_id``.

    ``group_factor`` x one team's distance-based :func:`trip_cost`, rounded to the öre.
    A supplied ``travel_costs`` entry is a team's cost and does not apply to visits.
    Raises ``KeyError`` for an unknown id.
    """
    cohort, host = problem.cohort(cohort_id), problem.host(host_id)
    team_trip = trip_cost(cohort.base, host.location, problem.travel)
    return to_ore(problem.travel.group_factor * team_trip)


def uses_travel(problem: Problem) -> bool:
    """Whether any trip can cost something: a supplied cost, or a base and a location."""
    return bool(problem.travel_costs) or (
        any(c.base is not None for c in problem.cohorts)
        and any(h.location is not None for h in problem.hosts)
    )


def travel_cost_matrix(problem: Problem) -> npt.NDArray[np.float64]:
    """cohort x host: SEK of one team's trip (:func:`travel_cost` for every pair, vectorised)."""
    costs = _distance_cost_matrix(problem)
    cohort_pos = {c.id: i for i, c in enumerate(problem.cohorts)}
    host_pos = {h.id: j for j, h in enumerate(problem.hosts)}
    for given in problem.travel_costs:
        if given.cohort in cohort_pos and given.host in host_pos:
            costs[cohort_pos[given.cohort], host_pos[given.host]] = to_ore(given.cost)
    return costs


def visit_travel_cost_matrix(problem: Problem) -> npt.NDArray[np.float64]:
    """cohort x host: SEK of one study visit (:func:`visit_travel_cost`, vectorised)."""
    group: npt.NDArray[np.float64] = problem.travel.group_factor * _distance_cost_matrix(problem)
    return np.rint(group * UNITS_PER_SEK) / UNITS_PER_SEK


def _distance_cost_matrix(problem: Problem) -> npt.NDArray[np.float64]:
    """cohort x host: :func:`trip_cost` for every pair (0 without base or location)."""
    cohorts, hosts = problem.cohorts, problem.hosts
    costs = np.zeros((len(cohorts), len(hosts)))
    bases = [(i, c.base) for i, c in enumerate(cohorts) if c.base is not None]
    places = [(j, h.location) for j, h in enumerate(hosts) if h.location is not None]
    if bases and places:
        rows = np.array([i for i, _ in bases])
        cols = np.array([j for j, _ in places])
        lat1 = np.radians([b.lat for _, b in bases])[:, None]
        lon1 = np.radians([b.lon for _, b in bases])[:, None]
        lat2 = np.radians([p.lat for _, p in places])[None, :]
        lon2 = np.radians([p.lon for _, p in places])[None, :]
        h = (
            np.sin((lat2 - lat1) / 2) ** 2
            + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        settings = problem.travel
        raw = 2 * km * settings.road_factor * settings.cost_per_km + settings.cost_per_trip
        costs[np.ix_(rows, cols)] = np.rint(raw * UNITS_PER_SEK) / UNITS_PER_SEK
    return costs


def cost_units(costs: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Costs (whole öre in SEK) as integer öre, for the solver's budget constraints."""
    units: npt.NDArray[np.int64] = np.rint(costs * UNITS_PER_SEK).astype(np.int64)
    return units


def budget_units(budget: float) -> int:
    """A budget in whole öre, rounded down (never above the budget the referee applies)."""
    return math.floor(budget * UNITS_PER_SEK + 1e-6)
