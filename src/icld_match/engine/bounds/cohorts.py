"""Cohort models and the Lagrangian loop of the proven upper bound.

Why: the decompose strategy finds good plans for thousands of participants but cannot say
how far they are from the optimum. A bound that is valid for *every* valid allocation,
computed in a fraction of the time budget, turns its answer into a proven gap.

How the bound is obtained
=========================

Every objective term is a sum over cohorts; cohorts meet only through the *shared*
capacities: a host's per-day team and people limits for each set of cohorts in the field
together (``ProblemIndex.concurrent_cohorts``) and its season cap. Each shared limit gets
a price ``lam >= 0`` (only the limits the cohorts could exceed at all get one). For any
prices, weak duality gives::

    OPT <= sum over cohorts c of max_{plans of c alone} [obj_c - price of c's use]
           + sum over shared limits of lam * limit

because a valid allocation uses at most ``limit`` of each, so subtracting ``lam * use`` and
adding ``lam * limit`` never lowers its value, and the plans of the cohorts taken one by
one include the restrictions of the allocation. So every price vector gives a bound; the
prices are improved by projected subgradient steps (Polyak steps towards a known plan's
objective, the step factor halved after three steps without a better bound) and the
smallest bound is kept. At prices 0 the bound is the sum of the cohorts' exact optima
against their own limits.

Each cohort's term is bounded by a CP-SAT model of that cohort that is a *relaxation* of
its real rules:

* hosts are cut to a shortlist *per cohort* (the union of its members' best few by
  price-adjusted value, ``shortlist``); every member may join a slot at every listed
  host open to them, so a real team at a listed host is a slot there as it is. Every
  other host is merged into one pseudo-host ``OUT`` with ``members // min size`` slots
  (>= the teams of any plan), no capacity, the real team sizes, countries, keep apart and
  'apart' rules per slot; a member there earns their best value at an unlisted host, a
  slot pays the lowest team price among unlisted hosts and always earns the host-spread
  reward (distinct hosts <= teams). A real team at an unlisted host is whole (all its
  members are outside the list), so it maps onto one ``OUT`` slot scoring at least as
  much, and the model's optimum is an upper bound of the cohort's (Hypothesis-tested with
  lists of one and two hosts per member in ``tests/engine/test_bounds.py``);
* team size, own host limits (teams, people, season cap as in ``slot_matrix``), keep
  together (with a hard 'together' policy), keep apart, hard mixed countries and the
  'apart' organisation policy are modelled as the real rules; the 'together' organisation
  penalty is replaced by its lower bound 0;
* objective coefficients are rounded *up* to 1/BOUND_SCALE (all variables are >= 0), so the
  integer objective is >= the exact one for every assignment; if CP-SAT does not prove a
  cohort optimal in time, its ``best_objective_bound`` is used, and a cohort not solved at
  all before the deadline gets a closed-form bound (each member at their best host, teams
  of the best size for the team terms). ``SLACK`` is added to the sum for float error.

Measured values: see the package docstring (``engine/bounds/__init__.py``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from ...index import ProblemIndex
from ..model import candidate_counts, slot_matrix
from . import lp

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Objective coefficients of the cohort models are rounded up to 1/BOUND_SCALE.
BOUND_SCALE = 100_000
#: Added to every bound: covers float error in the sums (far below any objective step).
SLACK = 1e-3
#: Hosts each member keeps in their cohort's model (the rest are merged into OUT).
SHORTLIST = 2
# The list is per cohort (the union over members), so no real team is split between a
# listed host and OUT (module docstring).
#: Longest time one cohort's model may take in one iteration.
SOLVE_LIMIT = 0.5
#: Halve the step factor after this many iterations without a better bound.
PATIENCE = 3


@dataclass(frozen=True)
class Bound:
    """An upper bound on the objective of every valid allocation, and how it was found."""

    value: float
    method: str  # "closed-form", "lp" or "lagrangian" (cohort models under prices)
    seconds: float
    iterations: int = 0


@dataclass(frozen=True)
class Capacities:
    """The shared limits that get a price: rows of (host, limit, counts people or teams),
    and an incidence list of (row, cohort) for the cohorts each row counts."""

    host: IntArray
    limit: FloatArray
    people: BoolArray
    row: IntArray
    cohort: IntArray

    @classmethod
    def of(cls, index: ProblemIndex, limits: IntArray) -> Capacities:
        """Only limits that the cohorts' own limits could exceed get a row (others are slack)."""
        hosts = index.problem.hosts
        largest = np.array([c.team_size.max for c in index.problem.cohorts])[:, None]
        max_teams = np.array([h.capacity.max_teams for h in hosts])
        max_people = np.array([h.capacity.max_participants for h in hosts])
        people_max = np.minimum(np.minimum(limits * largest, candidate_counts(index)), max_people)
        rows: list[tuple[int, int, bool, list[int]]] = []
        for group in index.concurrent_cohorts:
            cohorts = sorted(group)
            if len(cohorts) < 2:
                continue  # one cohort alone: its own limits say it all
            for h in np.flatnonzero(limits[cohorts].sum(0) > max_teams):
                rows.append((int(h), int(max_teams[h]), False, cohorts))
            for h in np.flatnonzero(people_max[cohorts].sum(0) > max_people):
                rows.append((int(h), int(max_people[h]), True, cohorts))
        everyone = list(range(len(index.problem.cohorts)))
        for column, host in enumerate(hosts):
            cap = host.season_max_teams
            if cap is not None and limits[:, column].sum() > cap:
                rows.append((column, cap, False, everyone))
        pairs = [(r, c) for r, row in enumerate(rows) for c in row[3] if limits[c, row[0]] > 0]
        return cls(
            host=np.array([r[0] for r in rows], dtype=np.int64),
            limit=np.array([r[1] for r in rows], dtype=np.float64),
            people=np.array([r[2] for r in rows], dtype=np.bool_),
            row=np.array([r for r, _ in pairs], dtype=np.int64),
            cohort=np.array([c for _, c in pairs], dtype=np.int64),
        )

    def prices(self, lam: FloatArray, shape: tuple[int, int]) -> tuple[FloatArray, FloatArray]:
        """(per team, per person) price of each cohort x host under the row prices ``lam``."""
        team, person = np.zeros(shape), np.zeros(shape)
        counts_people = self.people[self.row]
        for out, chosen in ((team, ~counts_people), (person, counts_people)):
            rows = self.row[chosen]
            np.add.at(out, (self.cohort[chosen], self.host[rows]), lam[rows])
        return team, person

    def usage(self, teams: FloatArray, people: FloatArray) -> FloatArray:
        """What the cohorts' plans use of each row."""
        hosts = self.host[self.row]
        values = np.where(
            self.people[self.row], people[self.cohort, hosts], teams[self.cohort, hosts]
        )
        used = np.zeros(len(self.host))
        np.add.at(used, self.row, values)
        return used


@dataclass
class Setup:
    """What every cohort model reads: values, own limits and the shared limits."""

    index: ProblemIndex
    limits: IntArray  # cohort x host: teams the cohort can hold at the host (slot_matrix)
    value: FloatArray  # participant x host: weighted fit + wishes, -inf where not usable
    members: list[IntArray]
    capacities: Capacities
    seed: int
    #: cohort x host: what one team costs there by itself (per-team penalties, e.g. travel)
    team_cost: FloatArray

    @classmethod
    def of(cls, index: ProblemIndex, seed: int) -> Setup:
        limits = slot_matrix(index)
        usable = index.allowed & (limits[index.cohort_of] > 0)
        members = [index.members(c) for c in range(len(index.problem.cohorts))]
        return cls(
            index,
            limits,
            np.where(usable, index.pair_value, -np.inf),
            members,
            Capacities.of(index, limits),
            seed,
            -index.team_value,
        )

    def prices(self, lam: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(per team, per person) price of each cohort x host under the row prices ``lam``,
        a team's price with what the team itself costs there (``team_cost``)."""
        team_price, person_price = self.capacities.prices(lam, self.shape)
        return team_price + self.team_cost, person_price

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.members), self.index.n_hosts


def _up(coefficient: float) -> int:
    """Scaled and rounded up, so that the integer objective never falls below the exact one."""
    return math.ceil(coefficient * BOUND_SCALE - 1e-6)


def closed_form(setup: Setup, c: int, team_price: FloatArray, person_price: FloatArray) -> float:
    """A bound for one cohort without a model: every member at their best price-adjusted
    host, and the team terms of the best team count (country mix <= size - 1 per team,
    host spread <= 1 per team, organisation penalty >= 0, team price >= the cheapest)."""
    index = setup.index
    problem = index.problem
    members = setup.members[c]
    if not len(members):
        return 0.0
    best = (setup.value[members] - person_price[None, :]).max(axis=1)
    if not np.isfinite(best).all():
        return -math.inf  # somebody can go nowhere: no valid allocation at all
    size = problem.cohorts[c].team_size
    fewest, most = -(-len(members) // size.max), len(members) // size.min
    if fewest > most:
        return -math.inf
    weights = problem.weights
    mix = weights.country_mix if problem.rules.mixed_countries != "off" else 0.0
    cheapest = float(team_price[setup.limits[c] > 0].min(initial=math.inf))
    per_team = weights.host_spread - cheapest - mix
    teams_term = max(mix * len(members) + per_team * t for t in (fewest, most))
    return float(best.sum()) + teams_term


@dataclass
class Answer:
    """One cohort's bound under given prices, and what its best plan uses at each host."""

    bound: float
    teams: FloatArray  # per host (OUT teams are at no real host)
    people: FloatArray
    out_used: bool = False


@dataclass
class CohortModel:
    """One cohort's relaxed CP-SAT model: team slots at the shortlisted hosts and at the
    pseudo-host OUT (host -1), ``x[p, s]`` puts member p in slot s. Built once per
    shortlist; a solve only sets new objective coefficients.

    (A model aggregated per host, teams counted but not told apart, was tried: smaller,
    but no faster and 0.8 % looser on season-s0, so the slots stay.)
    """

    setup: Setup
    cohort: int
    hosts: list[int]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    slot_host: list[int] = field(default_factory=list)
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    used: list[cp_model.IntVar] = field(default_factory=list)
    fixed: list[tuple[float, cp_model.IntVar]] = field(default_factory=list)

    def __post_init__(self) -> None:
        setup, c = self.setup, self.cohort
        members = setup.members[c]
        others = np.setdiff1d(np.arange(setup.index.n_hosts), self.hosts)
        outside = members[np.isfinite(setup.value[np.ix_(members, others)]).any(axis=1)]
        for h in self.hosts:
            candidates = members[np.isfinite(setup.value[members, h])]
            self._add_slots(h, candidates, int(setup.limits[c, h]))
        smallest = setup.index.problem.cohorts[c].team_size.min
        self._add_slots(-1, outside, len(outside) // smallest)
        self._add_rules([int(p) for p in members])

    def _add_slots(self, host: int, candidates: IntArray, count: int) -> None:
        """``count`` interchangeable slots at ``host``; the i-th candidate may use only the
        first i + 1 of them and slots open in order (the symmetry rule's argument)."""
        model = self.model
        first = len(self.used)
        for rank in range(count):
            s = len(self.used)
            self.slot_host.append(host)
            self.used.append(model.new_bool_var(f"used[{s}]"))
            if rank:
                model.add_implication(self.used[s], self.used[s - 1])
            for p in candidates[rank:]:
                self.x[int(p), s] = model.new_bool_var(f"x[{p},{s}]")
        if host >= 0 and count:
            spread = self.setup.index.problem.weights.host_spread
            visited = model.new_bool_var(f"visited[{host}]")
            model.add(visited <= self.used[first])
            self.fixed.append((spread, visited))
            cap = self.setup.index.problem.hosts[host].capacity.max_participants
            members = [int(p) for p in candidates]
            model.add(sum(self._in(members, s) for s in range(first, first + count)) <= cap)

    def _in(self, participants: list[int], s: int) -> cp_model.LinearExpr:
        return sum(self.x[p, s] for p in participants if (p, s) in self.x)  # type: ignore[return-value]

    def _add_rules(self, members: list[int]) -> None:
        """Placement, team sizes, keep together/apart, countries and organisations."""
        index, model = self.setup.index, self.model
        size = index.problem.cohorts[self.cohort].team_size
        slots = range(len(self.used))
        for p in members:
            model.add_exactly_one([self.x[p, s] for s in slots if (p, s) in self.x])
        for s in slots:
            model.add(self._in(members, s) >= size.min * self.used[s])
            model.add(self._in(members, s) <= size.max * self.used[s])
        for unit in index.units(self.cohort):
            for s in slots:
                for p in unit[1:]:
                    model.add(self.x.get((p, s), 0) == self.x.get((unit[0], s), 0))
        inside = set(members)
        for group in index.problem.keep_apart:
            rows = [p for p in index.participant_rows(group.members) if p in inside]
            for s in slots:
                if sum((p, s) in self.x for p in rows) > 1:
                    model.add(self._in(rows, s) <= 1)
        self._add_countries(members)
        self._add_organisations(members)

    @staticmethod
    def _groups(members: list[int], codes: IntArray) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for p in members:
            if codes[p] >= 0:
                found.setdefault(int(codes[p]), []).append(p)
        return list(found.values())

    def _add_countries(self, members: list[int]) -> None:
        """Countries present per team (z <= members from the country): reward, hard rule."""
        index, model = self.setup.index, self.model
        rules = index.problem.rules
        if rules.mixed_countries == "off":
            return
        weight = index.problem.weights.country_mix
        countries = self._groups(members, index.country_of)
        for s in range(len(self.used)):
            present = []
            for people in countries:
                if any((p, s) in self.x for p in people):
                    z = model.new_bool_var(f"country[{s}]")
                    model.add(z <= self._in(people, s))
                    present.append(z)
                    self.fixed.append((weight, z))
            if rules.mixed_countries == "hard" and len(countries) >= 2:
                model.add(sum(present) >= 2 * self.used[s])

    def _add_organisations(self, members: list[int]) -> None:
        """'apart': colleagues in a team beyond the first (penalty or hard rule). 'together'
        soft: its penalty is left at its lower bound 0; hard: tied in ``index.units``."""
        index, model = self.setup.index, self.model
        rules = index.problem.rules
        if rules.organisation != "apart":
            return
        weight = index.problem.weights.organisation
        for people in self._groups(members, index.organisation_of):
            for s in range(len(self.used)):
                here = [self.x[p, s] for p in people if (p, s) in self.x]
                if len(here) < 2:
                    continue
                if rules.organisation_strictness == "hard":
                    model.add(sum(here) <= 1)
                else:
                    excess = model.new_int_var(0, len(here) - 1, f"excess[{s}]")
                    model.add(excess >= sum(here) - 1)
                    self.fixed.append((-weight, excess))

    def coefficients(
        self, team_price: FloatArray, person_price: FloatArray
    ) -> list[tuple[float, cp_model.IntVar]]:
        """The objective under the prices: member values, team prices and team terms."""
        setup, c = self.setup, self.cohort
        problem = setup.index.problem
        mix = problem.weights.country_mix if problem.rules.mixed_countries != "off" else 0.0
        adjusted = setup.value - person_price[None, :]
        others = np.setdiff1d(np.flatnonzero(setup.limits[c] > 0), self.hosts)
        members = setup.members[c]
        best_out = adjusted[np.ix_(members, others)].max(axis=1, initial=-math.inf)
        outside = dict(zip(map(int, members), map(float, best_out), strict=True))
        cheapest_out = float(team_price[others].min(initial=math.inf)) if len(others) else 0.0
        out: list[tuple[float, cp_model.IntVar]] = list(self.fixed)
        for (p, s), var in self.x.items():
            h = self.slot_host[s]
            out.append((float(adjusted[p, h]) if h >= 0 else outside[p], var))
        for s, var in enumerate(self.used):
            h = self.slot_host[s]
            price = float(team_price[h]) if h >= 0 else cheapest_out - problem.weights.host_spread
            out.append((-price - mix, var))
        return out

    def solve(self, team_price: FloatArray, person_price: FloatArray, deadline: float) -> Answer:
        """CP-SAT's proven bound for the cohort under the prices (rounded-up coefficients)."""
        terms = self.coefficients(team_price, person_price)
        model = self.model
        model.maximize(
            cp_model.LinearExpr.weighted_sum([v for _, v in terms], [_up(c) for c, _ in terms])
        )
        solver = cp_model.CpSolver()
        _configure(solver.parameters, min(SOLVE_LIMIT, deadline - time.perf_counter()), self)
        status = solver.solve(model)
        n_hosts = self.setup.index.n_hosts
        teams, people = np.zeros(n_hosts), np.zeros(n_hosts)
        if status == cp_model.INFEASIBLE:
            return Answer(-math.inf, teams, people)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = closed_form(self.setup, self.cohort, team_price, person_price)
            return Answer(bound, teams, people)
        model.clear_hints()  # type: ignore[no-untyped-call]
        out_used = False
        for s, var in enumerate(self.used):
            opened = solver.boolean_value(var)
            model.add_hint(var, opened)
            out_used |= opened and self.slot_host[s] < 0
            teams[self.slot_host[s]] += opened and self.slot_host[s] >= 0
        for (_, s), var in self.x.items():
            chosen = solver.boolean_value(var)
            model.add_hint(var, chosen)
            people[self.slot_host[s]] += chosen and self.slot_host[s] >= 0
        # an unproven cohort's CP-SAT bound can be weaker than the closed form: keep the less
        bound = solver.best_objective_bound / BOUND_SCALE
        if status != cp_model.OPTIMAL:
            bound = min(bound, closed_form(self.setup, self.cohort, team_price, person_price))
        return Answer(bound, teams, people, out_used)


def _configure(params: Any, seconds: float, model: CohortModel) -> None:
    """One worker, the LP with the team terms (without it 25x slower on season cohorts),
    light presolve (small models: probing and symmetry cost a third of the time)."""
    params.max_time_in_seconds = max(0.001, seconds)
    params.num_workers = 1
    params.random_seed = model.setup.seed
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    params.max_presolve_iterations = 1


def shortlist(setup: Setup, c: int, team_price: FloatArray, person_price: FloatArray) -> list[int]:
    """Each member's SHORTLIST best hosts by price-adjusted value (a team's price shared
    by a full team): the hosts a cohort's model keeps, the others go to OUT."""
    members = setup.members[c]
    largest = setup.index.problem.cohorts[c].team_size.max
    value = setup.value[members] - person_price[None, :] - team_price[None, :] / largest
    keep = min(SHORTLIST, value.shape[1])
    top = np.argpartition(-value, keep - 1, axis=1)[:, :keep]
    chosen = np.take_along_axis(value, top, axis=1)
    return sorted({int(h) for h in top[np.isfinite(chosen)]})


@dataclass
class Lagrangian:
    """Cohort models and their last answers, reused while a cohort's prices stay the same."""

    setup: Setup
    workers: int = 1
    models: dict[int, CohortModel] = field(default_factory=dict)
    answers: dict[int, tuple[FloatArray, FloatArray, Answer]] = field(default_factory=dict)

    def cohort(
        self, c: int, team_price: FloatArray, person_price: FloatArray, deadline: float
    ) -> Answer:
        """The cohort's bound under its prices: cached, solved, or closed-form if out of time."""
        cached = self.answers.get(c)
        if (
            cached
            and np.array_equal(cached[0], team_price)
            and np.array_equal(cached[1], person_price)
        ):
            return cached[2]
        if time.perf_counter() >= deadline:
            bound = closed_form(self.setup, c, team_price, person_price)
            n_hosts = self.setup.index.n_hosts
            return Answer(bound, np.zeros(n_hosts), np.zeros(n_hosts))
        model = self.models.get(c)
        if model is None or (cached is not None and cached[2].out_used):
            hosts = shortlist(self.setup, c, team_price, person_price)
            if model is not None:
                hosts = sorted(set(hosts) | set(model.hosts))
            model = self.models[c] = CohortModel(self.setup, c, hosts)
        answer = model.solve(team_price, person_price, deadline)
        self.answers[c] = (team_price.copy(), person_price.copy(), answer)
        return answer

    def evaluate(
        self, lam: FloatArray, deadline: float, ceiling: Callable[[FloatArray], FloatArray]
    ) -> tuple[float, FloatArray]:
        """The bound at prices ``lam`` and its subgradient (limit - use of each row). Each
        cohort counts with the lesser of its own bound and ``ceiling(lam)[c]`` (another
        valid bound of the same cohort term, e.g. its share of the LP's dual bound)."""
        setup, capacities = self.setup, self.setup.capacities
        team_price, person_price = setup.prices(lam)
        teams, people = np.zeros(setup.shape), np.zeros(setup.shape)
        caps = ceiling(lam)
        order = sorted(range(len(setup.members)), key=lambda c: -caps[c])

        def one(c: int) -> Answer:
            return self.cohort(c, team_price[c], person_price[c], deadline)

        if self.workers > 1:
            with ThreadPoolExecutor(self.workers) as pool:
                answers = dict(zip(order, pool.map(one, order), strict=True))
        else:
            answers = {c: one(c) for c in order}
        total = float(lam @ capacities.limit)
        for c, answer in answers.items():
            total += min(answer.bound, float(caps[c]))
            teams[c], people[c] = answer.teams, answer.people
        return total + SLACK, capacities.limit - capacities.usage(teams, people)


def _no_ceiling(n: int) -> Callable[[FloatArray], FloatArray]:
    return lambda lam: np.full(n, math.inf)


def upper_bound(
    index: ProblemIndex,
    *,
    deadline: float,
    seed: int = 0,
    target: float | None = None,
    workers: int = 1,
    on_bound: Callable[[Bound], None] | None = None,
) -> Bound | None:
    """An upper bound on the objective of every valid allocation, found by ``deadline``
    (a ``time.perf_counter()`` value); None when the problem has no valid allocation.

    ``target`` is the objective of a known plan (Polyak steps aim at it; without one they
    aim 3 % below the best bound so far). ``workers`` threads solve cohort models side by
    side; ``on_bound`` hears of every better bound as it is found. See the module
    docstring for why each bound is valid.

    The team bounds below know nothing of study visits; the visit_fit reward is bounded
    apart, by every visit at its best open option (``visit_ceiling``), and added with the
    other plan-wide ceilings.
    """
    setup = Setup.of(index, seed)
    extra = plan_wide_ceiling(setup)
    lifted = None if on_bound is None else _lifting(on_bound, extra)
    aim = None if target is None else target - extra
    found = _separable_bound(setup, deadline, aim, workers, lifted)
    return None if found is None else replace(found, value=found.value + extra)


def plan_wide_ceiling(setup: Setup) -> float:
    """Ceilings of the terms that are not sums over cohorts' teams (worst fit, season
    spread, study visits): the per-cohort bounds do not see them, so they are added to
    every bound."""
    return worst_fit_ceiling(setup) + season_spread_ceiling(setup) + visit_ceiling(setup.index)


def visit_ceiling(index: ProblemIndex) -> float:
    """Σ over study visits of the most one visit can add at an open (host, day): its fit
    reward less its trip's travel penalty there. Every visit takes one open option, so no
    plan's visits add more."""
    visits = index.visits
    if not len(visits):
        return 0.0
    weights = index.problem.weights
    trip = index.visit_travel_cost * (weights.travel / 1000)
    fit = visits.fit * weights.visit_fit
    return float(
        sum(
            max((fit[k, o.host] - trip[c, o.host] for o in visits.open_options(k)), default=0.0)
            for k, (c, _) in enumerate(visits.keys)
        )
    )


def worst_fit_ceiling(setup: Setup) -> float:
    """The worst-fit reward can be at most weight x the lowest, over participants, of
    their best fit at a host they may use: everyone is placed, so the worst-off
    participant's fit is at most their own best. 0 with weight 0 (the term is off)."""
    index = setup.index
    weight = index.problem.weights.worst_fit
    if weight <= 0 or index.n_participants == 0:
        return 0.0
    best = np.where(np.isfinite(setup.value), index.fit, -np.inf).max(axis=1)
    return float(weight * max(0.0, float(best.min())))


def _lifting(on_bound: Callable[[Bound], None], extra: float) -> Callable[[Bound], None]:
    return lambda bound: on_bound(replace(bound, value=bound.value + extra))


def _separable_bound(
    setup: Setup,
    deadline: float,
    target: float | None,
    workers: int,
    on_bound: Callable[[Bound], None] | None,
) -> Bound | None:
    """The bound on every term that is a sum over cohorts."""
    started = time.perf_counter()
    team_price, person_price = setup.prices(np.zeros(len(setup.capacities.limit)))
    value = sum(
        closed_form(setup, c, team_price[c], person_price[c]) for c in range(setup.shape[0])
    )
    if value == -math.inf:
        return None
    search = Search(setup, started, on_bound, target)
    search.offer(value + SLACK, "closed-form", 0)
    if not lp.lp_pays(setup.index.n_participants, deadline - time.perf_counter()):
        # no time for the LP is no time for the cohort models either (stress-10000 at
        # 60 s: with 12 s they bettered nothing): the closed form stands
        return search.result()
    lam = np.zeros(len(setup.capacities.limit))
    ceiling = _no_ceiling(setup.shape[0])
    solved = lp.build_and_solve(setup, deadline)
    if solved is not None:
        linear, lam = solved
        lam = np.maximum(lam, 0.0)
        ceiling = linear.parts
        search.offer(float(ceiling(lam).sum() + lam @ setup.capacities.limit) + SLACK, "lp", 0)
    return search.run(Lagrangian(setup, workers=workers), lam, ceiling, deadline)


def season_spread_ceiling(setup: Setup) -> float:
    """The season-spread reward can never exceed its weight times the hosts some cohort
    can use (not already in use elsewhere), nor times the most teams the cohorts can
    form: a bound for the one term that spans cohorts."""
    problem = setup.index.problem
    weight = problem.weights.season_spread
    if weight <= 0:
        return 0.0
    in_use = {setup.index.host_pos[h] for h in problem.hosts_in_use}
    usable = np.isfinite(setup.value).any(axis=0)
    hosts = sum(1 for h in np.flatnonzero(usable).tolist() if h not in in_use)
    teams = sum(
        len(members) // problem.cohorts[c].team_size.min for c, members in enumerate(setup.members)
    )
    return weight * min(hosts, teams)


@dataclass
class Search:
    """The best bound so far and the projected subgradient loop over prices."""

    setup: Setup
    started: float
    on_bound: Callable[[Bound], None] | None
    target: float | None
    best: Bound | None = None
    iterations: int = 0

    def offer(self, value: float, method: str, iterations: int) -> bool:
        if self.best is not None and value >= self.best.value:
            return False
        self.best = Bound(value, method, time.perf_counter() - self.started, iterations)
        if self.on_bound is not None:
            self.on_bound(self.best)
        return True

    def result(self) -> Bound:
        assert self.best is not None
        seconds = time.perf_counter() - self.started
        return Bound(self.best.value, self.best.method, seconds, self.iterations)

    def run(
        self,
        lagrangian: Lagrangian,
        lam: FloatArray,
        ceiling: Callable[[FloatArray], FloatArray],
        deadline: float,
    ) -> Bound | None:
        """Polyak steps towards ``target`` (or 3 % below the best bound), step factor halved
        after PATIENCE steps without a better bound; the smallest bound is kept."""
        theta, stalled = 1.0, 0
        while time.perf_counter() < deadline:
            value, gradient = lagrangian.evaluate(lam, deadline, ceiling)
            self.iterations += 1
            if value == -math.inf:
                return None
            if self.offer(value, "lagrangian", self.iterations):
                stalled = 0
            else:
                stalled += 1
                if stalled >= PATIENCE:
                    theta, stalled = theta / 2, 0
            gradient[(lam <= 0) & (gradient > 0)] = 0.0  # projection: these prices stay at 0
            norm = float(gradient @ gradient)
            best = self.result().value
            aim = self.target if self.target is not None else 0.97 * best
            if norm == 0 or best - aim <= 1e-6 * max(1.0, abs(aim)):
                break
            lam = np.maximum(0.0, lam - theta * (value - aim) / norm * gradient)
        return self.result()
