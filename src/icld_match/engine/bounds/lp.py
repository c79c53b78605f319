"""The global LP relaxation: every cohort aggregated per host, shared limits as rows.

Why: one LP over all cohorts is the Lagrangian dual of the per-cohort LPs solved at once
(its shared-row duals are the best prices for them), GLOP solves it in well under a second
at 1,000 participants, and its dual gives a bound that is valid whatever GLOP's tolerances
were: the bound is recomputed in numpy from the dual vector (see ``LinearBound``).

Per cohort ``c`` and shortlisted host ``h`` (each member's best ``SHORTLIST_LP`` hosts;
the others merged into a pseudo-host OUT as in the cohort models) the variables are
``y[p, h]`` (member p there), ``t[h]`` (teams, <= the cohort's own limit), ``v[h] <= t[h]``
(host visited), ``z[k, h] <= min(t[h], members of country k there)`` (countries present,
summed over the teams) and ``e[g, h] >= colleagues of g there - t[h]`` ('apart' excess).
A real plan maps onto it with ``t`` = its team count, ``z`` = countries summed over teams,
``e`` = its excess (each team holds one colleague without excess), so its objective is
at least the plan's. Keep together ties ``y``, keep apart and hard 'apart' cap a group at
``t[h]``, hard mixed countries cap one country at ``members - t[h]``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import linear_solver_pb2, pywraplp

if TYPE_CHECKING:
    from .cohorts import Setup

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Hosts per member in the LP (the rest are merged into OUT).
SHORTLIST_LP = 12
OUT = -1
#: GLOP's defaults (primal simplex): dual simplex measured 3x slower at stress-1000.
GLOP_PARAMETERS = ""


@dataclass
class Builder:
    """Variables and rows as arrays (COO entries); rows and variables know their cohort
    (-1: a shared row), so the dual bound splits into per-cohort parts."""

    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    obj: list[float] = field(default_factory=list)
    var_cohort: list[int] = field(default_factory=list)
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    row_cohort: list[int] = field(default_factory=list)
    entries: list[tuple[int, list[int], list[float]]] = field(default_factory=list)

    def var(self, upper: float, objective: float, cohort: int) -> int:
        self.lb.append(0.0)
        self.ub.append(upper)
        self.obj.append(objective)
        self.var_cohort.append(cohort)
        return len(self.obj) - 1

    def row(self, terms: list[tuple[int, float]], lo: float, hi: float, cohort: int) -> None:
        if not terms:
            return
        self.entries.append((len(self.lo), [v for v, _ in terms], [a for _, a in terms]))
        self.lo.append(lo)
        self.hi.append(hi)
        self.row_cohort.append(cohort)


@dataclass
class CohortVars:
    """One cohort's variables per host (OUT = -1): members' y, teams t."""

    y: dict[tuple[int, int], int] = field(default_factory=dict)
    t: dict[int, int] = field(default_factory=dict)

    def at(self, h: int, people: list[int]) -> list[int]:
        return [self.y[p, h] for p in people if (p, h) in self.y]


def _unit_hosts(setup: Setup, unit: list[int], others: IntArray) -> list[int]:
    """The unit's SHORTLIST_LP best hosts by summed value (one list for the whole unit)."""
    value = setup.value[unit][:, others].sum(axis=0)
    keep = min(SHORTLIST_LP, len(others))
    if not keep:
        return []
    top = np.argpartition(-value, keep - 1)[:keep]
    return [int(others[i]) for i in top if np.isfinite(value[i])]


def _add_cohort(b: Builder, setup: Setup, c: int) -> CohortVars:
    """Variables, objective and own rows of cohort ``c`` (see the module docstring)."""
    problem = setup.index.problem
    weights, size = problem.weights, problem.cohorts[c].team_size
    mix = weights.country_mix if problem.rules.mixed_countries != "off" else 0.0
    usable = np.flatnonzero(setup.limits[c] > 0)
    cv = CohortVars()
    for unit in setup.index.units(c):
        hosts = _unit_hosts(setup, unit, usable)
        rest = np.setdiff1d(usable, hosts)
        tie: dict[int, list[int]] = {}
        for p in unit:
            for h in hosts:
                cv.y[p, h] = b.var(1.0, float(setup.value[p, h]), c)
                tie.setdefault(h, []).append(cv.y[p, h])
            best_out = float(setup.value[p, rest].max(initial=-math.inf))
            if math.isfinite(best_out):
                cv.y[p, OUT] = b.var(1.0, best_out + mix, c)
                tie.setdefault(OUT, []).append(cv.y[p, OUT])
            b.row([(v, 1.0) for (q, _), v in cv.y.items() if q == p], 1.0, 1.0, c)
        for group in tie.values() if len(unit) > 1 else []:
            for v in group[1:]:
                b.row([(v, 1.0), (group[0], -1.0)], 0.0, 0.0, c)
    members = [int(p) for p in setup.members[c]]
    by_host: dict[int, list[int]] = {}
    for p, h in cv.y:
        by_host.setdefault(h, []).append(p)
    for h in sorted(by_host):
        if h == OUT:
            continue
        cv.t[h] = t = b.var(float(setup.limits[c, h]), -mix, c)
        here = cv.at(h, by_host[h])
        visited = b.var(1.0, weights.host_spread, c)
        b.row([(visited, 1.0), (t, -1.0)], -math.inf, 0.0, c)
        cap = float(problem.hosts[h].capacity.max_participants)
        b.row([(v, 1.0) for v in here], -math.inf, cap, c)
        b.row([*((v, 1.0) for v in here), (t, -float(size.max))], -math.inf, 0.0, c)
    _add_rules(b, setup, c, cv, members, mix)
    return cv


def _groups(members: list[int], codes: IntArray) -> list[list[int]]:
    found: dict[int, list[int]] = {}
    for p in members:
        if codes[p] >= 0:
            found.setdefault(int(codes[p]), []).append(p)
    return list(found.values())


def _add_rules(
    b: Builder, setup: Setup, c: int, cv: CohortVars, members: list[int], mix: float
) -> None:
    """Keep apart, countries (reward) and the 'apart' policy at the real hosts."""
    index, problem = setup.index, setup.index.problem
    rules = problem.rules
    inside = set(members)
    capped = [
        [p for p in index.participant_rows(g.members) if p in inside] for g in problem.keep_apart
    ]
    countries = _groups(members, index.country_of) if rules.mixed_countries != "off" else []
    orgs = _groups(members, index.organisation_of) if rules.organisation == "apart" else []
    hard_org = rules.organisation_strictness == "hard"
    for h, t in cv.t.items():
        for group in capped + (orgs if hard_org else []):
            here = cv.at(h, group)
            if len(here) > 1:
                b.row([*((v, 1.0) for v in here), (t, -1.0)], -math.inf, 0.0, c)
        for group in orgs if not hard_org else []:
            here = cv.at(h, group)
            if len(here) > 1:
                excess = b.var(float(len(here) - 1), -problem.weights.organisation, c)
                b.row([*((v, 1.0) for v in here), (t, -1.0), (excess, -1.0)], -math.inf, 0.0, c)
        for group in countries:
            here = cv.at(h, group)
            if here:
                z = b.var(float(len(here)), mix, c)
                b.row([(z, 1.0), *((v, -1.0) for v in here)], -math.inf, 0.0, c)
                b.row([(z, 1.0), (t, -1.0)], -math.inf, 0.0, c)


def _add_shared(b: Builder, setup: Setup, cohorts: list[CohortVars]) -> None:
    """The priced rows of ``Capacities``, in their order (OUT uses no real host)."""
    cap = setup.capacities
    row_of = cap.row
    for r in range(len(cap.limit)):
        h = int(cap.host[r])
        terms: list[tuple[int, float]] = []
        for c in cap.cohort[row_of == r]:
            cv = cohorts[int(c)]
            if cap.people[r]:
                terms += [(v, 1.0) for v in cv.at(h, [int(p) for p in setup.members[int(c)]])]
            elif h in cv.t:
                terms.append((cv.t[h], 1.0))
        b.entries.append((len(b.lo), [v for v, _ in terms], [a for _, a in terms]))
        b.lo.append(-math.inf)
        b.hi.append(float(cap.limit[r]))
        b.row_cohort.append(-1)


@dataclass
class LinearBound:
    """The LP in arrays and a dual vector; ``part(lam)`` is each cohort's share of the
    dual bound when the shared rows are priced at ``lam`` and the own rows keep their
    duals. For a max problem with rows lo <= Ax <= hi and lb <= x <= ub, any duals
    ``d`` (d > 0 on rows with finite hi, d < 0 with finite lo) give
    ``max c x <= sum(d_i * (hi_i if d_i > 0 else lo_i)) + sum_j max over x_j of (c - A'd)_j x_j``.
    Each shared row's share is ``lam * limit``; the rest splits by cohort."""

    n_cohorts: int
    obj: FloatArray
    ub: FloatArray
    var_cohort: IntArray
    own_rows: tuple[IntArray, IntArray, FloatArray]  # (row, var, coef) of cohort rows
    shared: tuple[IntArray, IntArray]  # (shared row position, var), coefficient 1
    row_term: FloatArray  # d_i * bound, per own row
    row_cohort: IntArray
    own_dual: FloatArray

    def parts(self, lam: FloatArray) -> FloatArray:
        """Each cohort's bound under shared prices ``lam`` (own duals fixed)."""
        rows, cols, coef = self.own_rows
        reduced = self.obj.copy()
        np.subtract.at(reduced, cols, coef * self.own_dual[rows])
        np.subtract.at(reduced, self.shared[1], lam[self.shared[0]])
        gain = np.maximum(reduced, 0.0) * self.ub
        out = np.zeros(self.n_cohorts)
        np.add.at(out, self.var_cohort, gain)
        np.add.at(out, self.row_cohort, self.row_term)
        return out


def build_and_solve(setup: Setup, deadline: float) -> tuple[LinearBound, FloatArray] | None:
    """Solve the global LP with GLOP; the dual bound's parts and the shared-row duals
    (None when the build does not finish by ``deadline``, a ``perf_counter`` value)."""
    b = Builder()
    cohorts = []
    for c in range(setup.shape[0]):
        if time.perf_counter() >= deadline:
            return None
        cohorts.append(_add_cohort(b, setup, c))
    seconds = deadline - time.perf_counter()
    _add_shared(b, setup, cohorts)
    request = linear_solver_pb2.MPModelRequest()
    request.solver_type = linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING
    request.solver_time_limit_seconds = max(0.01, seconds)
    request.solver_specific_parameters = GLOP_PARAMETERS
    model = request.model
    model.maximize = True
    for lb, ub, obj in zip(b.lb, b.ub, b.obj, strict=True):
        model.variable.add(lower_bound=lb, upper_bound=ub, objective_coefficient=obj)
    for (_, cols, coefs), lo, hi in zip(b.entries, b.lo, b.hi, strict=True):
        model.constraint.add(lower_bound=lo, upper_bound=hi, var_index=cols, coefficient=coefs)
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(request, response)
    if response.status == linear_solver_pb2.MPSOLVER_INFEASIBLE:
        return None
    if len(response.dual_value) != len(b.lo):
        return None
    dual = np.array(response.dual_value)
    return _dual_bound(b, dual, setup.shape[0]), dual[np.array(b.row_cohort) < 0]


def _dual_bound(b: Builder, dual: FloatArray, n_cohorts: int) -> LinearBound:
    """Signs fixed so that every row term is finite (see ``LinearBound``)."""
    lo, hi = np.array(b.lo), np.array(b.hi)
    dual = np.where((dual > 0) & ~np.isfinite(hi), 0.0, dual)
    dual = np.where((dual < 0) & ~np.isfinite(lo), 0.0, dual)
    term = np.where(dual > 0, dual * np.where(np.isfinite(hi), hi, 0.0), 0.0)
    term += np.where(dual < 0, dual * np.where(np.isfinite(lo), lo, 0.0), 0.0)
    row_cohort = np.array(b.row_cohort, dtype=np.int64)
    lengths = np.array([len(cols) for _, cols, _ in b.entries], dtype=np.int64)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    cols = np.array([v for _, vs, _ in b.entries for v in vs], dtype=np.int64)
    coefs = np.array([a for _, _, a_s in b.entries for a in a_s], dtype=np.float64)
    own = row_cohort[rows] >= 0
    shared_index = np.cumsum(row_cohort < 0) - 1  # position among the shared rows
    return LinearBound(
        n_cohorts=n_cohorts,
        obj=np.array(b.obj),
        ub=np.array(b.ub),
        var_cohort=np.array(b.var_cohort, dtype=np.int64),
        own_rows=(rows[own], cols[own], coefs[own]),
        shared=(shared_index[rows[~own]], cols[~own]),
        row_term=term[row_cohort >= 0],
        row_cohort=row_cohort[row_cohort >= 0],
        own_dual=dual,
    )
