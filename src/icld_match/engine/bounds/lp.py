"""The global LP relaxation: every cohort aggregated per host, shared limits as rows.

Why: one LP over all cohorts is the Lagrangian dual of the per-cohort LPs solved at once
(its shared-row duals are the best prices for them), HiGHS solves it in about a second at
1,000 participants, and its dual gives a bound that is valid whatever the LP solver's
tolerances were:
the bound is recomputed in numpy from the dual vector (see ``LinearBound``).

Variables (cohort ``c``, host ``h`` of some unit's list, or the cohort's pseudo-host OUT):
``y[u, h]`` (unit u -- a keep-together group or one member -- there), ``t[h]`` (teams,
<= the cohort's own limit), ``v[h] <= t[h]`` (host visited), ``z[k, h] <= min(t[h],
members of country k there)`` (countries present, summed over the teams) and ``e[g, h]
>= colleagues of g there - t[h]`` ('apart' excess). Team sizes bound the people per
``t``; keep apart and a hard 'apart' cap a group at ``t[h]``. A real plan maps onto it
with ``t`` = its team count, ``z`` = countries summed over teams, ``e`` = its excess, so
its objective is at least the plan's.

OUT: each *cohort* keeps a host list (the union of its units' SHORTLIST_LP best hosts,
grown by column generation in ``build_and_solve``); every unit of the cohort has a column
at every listed host it may use, and its other hosts are merged into one pseudo-host OUT
per cohort, modelled like a host: ``y[u, OUT]`` earns the unit's best value at an
unlisted host, ``t[OUT] <=`` the teams all unlisted hosts can hold, ``v[OUT] <=
min(t[OUT], number of unlisted hosts)``, countries ``z[k, OUT] <= min(t[OUT], members of
k at OUT)``, team sizes ``min * t <= people <= max * t``, the group caps at ``t`` and the
'apart' excess as at a host; no capacity row and no shared row.

Why this is valid (mapping a real plan P onto the LP): lists are per cohort, so each team
of P is either at a listed host (all its members have a column there: counted at the
host exactly as without lists) or at an unlisted one (all its members go to OUT). No team
is split. At OUT, ``t`` = P's teams at unlisted hosts (<= what those hosts hold), ``v`` =
the distinct unlisted hosts P visits (<= both bounds), ``z[k]`` = P's teams with a
member from k there (<= teams, <= members of k), so the team terms earn exactly P's
mix and spread there; whole teams obey the size rows and group caps summed over teams,
and each member's value at its real host is <= the unit's best unlisted value. OUT's
people and teams use no shared row, which only loosens them. So the mapped point is
feasible and scores at least P's objective, for *any* lists: every pricing round's dual
bound is valid on its own. (The former per-unit lists split a team whose host was in
some members' lists only: its listed part was a fraction of a team by the minimum size,
losing host spread and countries -- the Hypothesis counterexample in the tests: 1.651 <
1.8.)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .cohorts import Setup

try:  # the bare solver: ``highspy.Highs()`` prints a banner on standard output (fd 1)
    from highspy._core import _Highs  # before output can be turned off
except ImportError:  # pragma: no cover - other highspy layouts
    _Highs = highspy.Highs  # type: ignore[misc]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Best hosts per unit in the first LP; a cohort's list is the union over its units (the
#: rest merged into OUT). 1 gives ~20 hosts per stress cohort (GLOP ~3 s at 1,000); 2 gives
#: ~36 (GLOP ~14 s). Lists are per cohort, so any length is valid (module docstring).
SHORTLIST_LP = 1
#: Hosts added to a cohort's list per pricing round (best by its units' reduced costs).
ADD_PER_COHORT = 8
#: Pricing rounds at most (each re-solves the LP from scratch).
ROUNDS = 8
#: A round whose bound is not lower by this share ends the pricing: on ``season-s0`` the
#: bound reached 246.082 in round 4 and rounds 5-8 (half the LP time) left it there.
STALL = 1e-6
#: HiGHS's dual simplex, one thread, quiet (``_highs``).
HIGHS_OPTIONS: dict[str, bool | int | str] = {
    "output_flag": False,
    "solver": "simplex",
    "simplex_strategy": 1,
    "threads": 1,
}
#: Seconds HiGHS took for the first LP at 1,000 participants (stress-1000-s0, 2026-11-29,
#: 2 cores); it grows about as the participants to the power LP_GROWTH (season-s0, 246
#: people: 0.11 s; stress-2500: 5.8 s). GLOP took 4.2 s, 0.16 s and 18 s.
LP_SECONDS_AT_1000, LP_GROWTH = 1.2, 1.7
#: Share of that time the LP needs at least. HiGHS stopped early has no usable duals
#: (their bound was 13-32x the LP's on stress-1000), so the LP must finish.
LP_MIN_SHARE = 1.0


def lp_pays(participants: int, seconds: float) -> bool:
    """Whether ``seconds`` are enough for the LP to give a bound. With fewer, building it
    only costs time and memory: stress-10000's 12 s at 60 s gave no LP bound and took
    1.4 GB more (2,361 MB peak against 969 MB without the bound module)."""
    expected = LP_SECONDS_AT_1000 * (participants / 1000) ** LP_GROWTH
    return bool(seconds >= LP_MIN_SHARE * expected)


@dataclass(frozen=True)
class Units:
    """Keep-together units of all cohorts as arrays: ``members[start[u]:start[u + 1]]``
    are unit u's participants; ``value`` is the unit's summed value per host."""

    cohort: IntArray
    size: IntArray
    start: IntArray
    members: IntArray
    value: FloatArray

    @classmethod
    def of(cls, setup: Setup) -> Units:
        units = [u for c in range(setup.shape[0]) for u in setup.index.units(c)]
        size = np.array([len(u) for u in units], dtype=np.int64)
        members = np.array([p for u in units for p in u], dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(size)]).astype(np.int64)
        value = np.add.reduceat(setup.value[members], start[:-1], axis=0) if len(size) else None
        return cls(
            cohort=setup.index.cohort_of[members[start[:-1]]] if len(size) else size,
            size=size,
            start=start,
            members=members,
            value=value if value is not None else np.zeros((0, setup.shape[1])),
        )

    def first_lists(self, keep: int, n_cohorts: int) -> BoolArray:
        """Each cohort's host list (cohort x host): the union of its units' ``keep`` best
        hosts by summed value. Lists are per cohort, never per unit (module docstring)."""
        best = np.zeros(self.value.shape, dtype=np.bool_)
        keep = min(keep, self.value.shape[1])
        if keep and len(self.size):
            top = np.argpartition(-self.value, keep - 1, axis=1)[:, :keep]
            np.put_along_axis(best, top, True, axis=1)
        return self.per_cohort(best & np.isfinite(self.value), n_cohorts)

    def per_cohort(self, chosen: BoolArray, n_cohorts: int) -> BoolArray:
        """Cohort x host: some unit of the cohort has the host ``chosen``."""
        lists = np.zeros((n_cohorts, chosen.shape[1]), dtype=np.bool_)
        np.logical_or.at(lists, self.cohort, chosen)
        return lists


def _expand(counts: IntArray) -> tuple[IntArray, IntArray]:
    """(owner, offset) for ``counts[i]`` consecutive entries of each owner i."""
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return owner, np.arange(len(owner), dtype=np.int64) - first[owner]


@dataclass
class Coo:
    """Variables and rows as arrays; rows and variables know their cohort (-1: shared)."""

    ub: list[FloatArray]
    obj: list[FloatArray]
    var_cohort: list[IntArray]
    lo: list[FloatArray]
    hi: list[FloatArray]
    row_cohort: list[IntArray]
    entries: list[tuple[IntArray, IntArray, FloatArray]]
    n_vars: int = 0
    n_rows: int = 0

    def vars(self, ub: FloatArray, obj: FloatArray | float, cohort: IntArray) -> IntArray:
        first = self.n_vars
        self.n_vars += len(ub)
        self.ub.append(np.asarray(ub, dtype=np.float64))
        self.obj.append(np.broadcast_to(np.asarray(obj, dtype=np.float64), len(ub)))
        self.var_cohort.append(np.asarray(cohort, dtype=np.int64))
        return np.arange(first, self.n_vars, dtype=np.int64)

    def rows(self, lo: float, hi: float, cohort: IntArray) -> IntArray:
        first = self.n_rows
        self.n_rows += len(cohort)
        self.lo.append(np.full(len(cohort), lo))
        self.hi.append(np.full(len(cohort), hi))
        self.row_cohort.append(np.asarray(cohort, dtype=np.int64))
        return np.arange(first, self.n_rows, dtype=np.int64)

    def add(self, rows: IntArray, cols: IntArray, coefs: FloatArray | float) -> None:
        coef = np.broadcast_to(np.asarray(coefs, dtype=np.float64), len(rows))
        self.entries.append((np.asarray(rows), np.asarray(cols), coef))

    def arrays(self) -> tuple[IntArray, IntArray, FloatArray]:
        """All entries, duplicates (row, var) summed, sorted by row."""
        rows = np.concatenate([e[0] for e in self.entries]).astype(np.int64)
        cols = np.concatenate([e[1] for e in self.entries]).astype(np.int64)
        coefs = np.concatenate([e[2] for e in self.entries])
        keys, inverse = np.unique(rows * self.n_vars + cols, return_inverse=True)
        summed = np.bincount(inverse, weights=coefs, minlength=len(keys))
        keys = keys.astype(np.int64)
        return keys // self.n_vars, keys % self.n_vars, summed.astype(np.float64)


def _new_coo() -> Coo:
    return Coo([], [], [], [], [], [], [])


@dataclass(frozen=True)
class Columns:
    """The (unit, host) columns of one LP (host = n_hosts for OUT) and their pairs
    (cohort, host): ``pair`` per column, ``pairs`` encoded ``cohort * (H + 1) + host``.
    ``out_teams``/``out_hosts`` per cohort: teams and hosts its unlisted hosts can hold;
    ``out_cost``: the least a team pays at one of them (per-team penalties)."""

    unit: IntArray
    host: IntArray
    value: FloatArray
    pair: IntArray
    pairs: IntArray
    out_teams: FloatArray
    out_hosts: FloatArray
    out_cost: FloatArray

    @classmethod
    def of(cls, units: Units, lists: BoolArray, limits: IntArray, team_cost: FloatArray) -> Columns:
        """Columns of cohort lists ``lists`` (cohort x host): every unit of a cohort at
        every listed host it may use, and at OUT with its best unlisted value (and the
        cheapest team cost among unlisted hosts, ``out_cost``)."""
        n_hosts = lists.shape[1]
        mine = lists[units.cohort] & np.isfinite(units.value)
        unit, host = np.nonzero(mine)
        out = np.where(lists[units.cohort], -np.inf, units.value).max(axis=1, initial=-np.inf)
        outside = np.flatnonzero(np.isfinite(out))
        unit = np.concatenate([unit, outside])
        host = np.concatenate([host, np.full(len(outside), n_hosts)])
        value = np.concatenate([units.value[mine], out[outside]])
        order = np.lexsort((host, unit))
        unit, host, value = unit[order], host[order], value[order]
        pairs, pair = np.unique(units.cohort[unit] * (n_hosts + 1) + host, return_inverse=True)
        unlisted = np.where(lists, 0, limits).astype(np.float64)
        cheapest = np.where(unlisted > 0, team_cost, np.inf).min(axis=1, initial=np.inf)
        return cls(
            unit,
            host,
            value,
            pair.astype(np.int64),
            pairs.astype(np.int64),
            unlisted.sum(axis=1),
            (unlisted > 0).sum(axis=1).astype(np.float64),
            np.where(np.isfinite(cheapest), cheapest, 0.0),
        )


@dataclass
class Built:
    """An LP in COO form plus the rows pricing reads: each unit's assignment row and each
    pair's people rows (capacity and team sizes), and the first shared row."""

    coo: Coo
    assign_row: IntArray  # per unit (-1: no column)
    people_rows: IntArray  # pairs x 3 (capacity, most, fewest; -1 where absent)
    first_shared: int
    matrix: tuple[IntArray, IntArray, FloatArray] = (
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        np.zeros(0),
    )


def _build(setup: Setup, units: Units, cols: Columns) -> Built:
    """Variables, objective and rows of the LP over ``cols`` (see the module docstring)."""
    problem = setup.index.problem
    weights, n_hosts = problem.weights, setup.shape[1]
    mix = weights.country_mix if problem.rules.mixed_countries != "off" else 0.0
    coo = _new_coo()
    y = coo.vars(np.ones(len(cols.unit)), cols.value, units.cohort[cols.unit])
    has = np.unique(cols.unit)
    assign_row = np.full(len(units.size), -1, dtype=np.int64)
    assign_row[has] = coo.rows(1.0, 1.0, units.cohort[has])
    coo.add(assign_row[cols.unit], y, 1.0)
    pair_cohort, pair_host = cols.pairs // (n_hosts + 1), cols.pairs % (n_hosts + 1)
    real = pair_host < n_hosts
    sizes = problem.cohorts
    smin = np.array([c.team_size.min for c in sizes], dtype=np.float64)[pair_cohort]
    smax = np.array([c.team_size.max for c in sizes], dtype=np.float64)[pair_cohort]
    t_ub = cols.out_teams[pair_cohort]  # OUT: the teams all unlisted hosts can hold
    t_ub[real] = setup.limits[pair_cohort[real], pair_host[real]]
    # a team pays its per-team penalties (travel, ...): the cheapest unlisted one at OUT
    cost = cols.out_cost[pair_cohort]
    cost[real] = setup.team_cost[pair_cohort[real], pair_host[real]]
    t = coo.vars(t_ub, -mix - cost, pair_cohort)
    v = coo.vars(np.where(real, 1.0, cols.out_hosts[pair_cohort]), weights.host_spread, pair_cohort)
    visit = coo.rows(-math.inf, 0.0, pair_cohort)
    coo.add(visit, v, 1.0)
    coo.add(visit, t, -1.0)
    people = units.size[cols.unit].astype(np.float64)
    people_rows = np.full((len(cols.pairs), 3), -1, dtype=np.int64)
    bounds = ((-math.inf, 0.0, -smax), (0.0, math.inf, -smin))  # max, then min size
    for k, (lo, hi, per_team) in enumerate(bounds):
        rows = coo.rows(lo, hi, pair_cohort)
        coo.add(rows[cols.pair], y, people)
        coo.add(rows, t, per_team)
        people_rows[:, k + 1] = rows
    cap = np.array([h.capacity.max_participants for h in problem.hosts], dtype=np.float64)
    capped = np.flatnonzero(real)
    rows = coo.rows(-math.inf, 0.0, pair_cohort[capped])
    people_rows[capped, 0] = rows
    coo.hi[-1] = cap[pair_host[capped]]
    at = np.full(len(cols.pairs), -1, dtype=np.int64)
    at[capped] = rows
    keep = at[cols.pair] >= 0
    coo.add(at[cols.pair][keep], y[keep], people[keep])
    _add_groups(coo, setup, units, cols, t)
    first_shared = coo.n_rows
    _add_shared(coo, setup, cols, people, t)
    return Built(coo, assign_row, people_rows, first_shared, coo.arrays())


def _memberships(setup: Setup) -> list[tuple[IntArray, IntArray, bool]]:
    """(participant, group) pairs of the groups capped at ``t`` per host, and whether the
    cap is soft (an 'apart' excess with a penalty) -- keep apart, then organisations."""
    index, problem = setup.index, setup.index.problem
    rules = problem.rules
    found: list[tuple[IntArray, IntArray, bool]] = []
    rows = [index.participant_rows(g.members) for g in problem.keep_apart]
    if rows:
        p = np.array([r for group in rows for r in group], dtype=np.int64)
        g = np.repeat(np.arange(len(rows), dtype=np.int64), [len(r) for r in rows])
        found.append((p, g, False))
    if rules.organisation == "apart":
        p = np.flatnonzero(index.organisation_of >= 0)
        soft = rules.organisation_strictness != "hard"
        found.append((p, index.organisation_of[p].astype(np.int64), soft))
    return found


def _add_groups(coo: Coo, setup: Setup, units: Units, cols: Columns, t: IntArray) -> None:
    """Country rows (reward ``z``) and group caps at ``t`` (keep apart, 'apart' policy).
    The y variables are the first ones, so column j is variable j."""
    problem = setup.index.problem
    mix = problem.weights.country_mix if problem.rules.mixed_countries != "off" else 0.0
    owner, offset = _expand(units.size[cols.unit])
    member = units.members[units.start[cols.unit[owner]] + offset]
    pair = cols.pair[owner]
    pair_cohort = cols.pairs // (setup.shape[1] + 1)
    if mix > 0:
        code = setup.index.country_of[member]
        known = code >= 0
        width = int(code.max(initial=0)) + 1
        keys, inverse = np.unique(pair[known] * width + code[known], return_inverse=True)
        count = np.bincount(inverse, minlength=len(keys)).astype(np.float64)
        z = coo.vars(count, mix, pair_cohort[keys // width])
        rows = coo.rows(-math.inf, 0.0, pair_cohort[keys // width])
        coo.add(rows, z, 1.0)
        coo.add(rows[inverse], owner[known], -1.0)
        rows = coo.rows(-math.inf, 0.0, pair_cohort[keys // width])
        coo.add(rows, z, 1.0)
        coo.add(rows, t[keys // width], -1.0)
    n = setup.index.n_participants
    penalty = setup.index.problem.weights.organisation
    for people, group, soft in _memberships(setup):
        order = np.argsort(people, kind="stable")
        counts = np.bincount(people, minlength=n)
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        which, off = _expand(counts[member])
        g = group[order][first[member[which]] + off]
        width = int(group.max(initial=0)) + 1
        keys, inverse = np.unique(pair[which] * width + g, return_inverse=True)
        count = np.bincount(inverse, minlength=len(keys)).astype(np.float64)
        several = count > 1
        row_of = np.full(len(keys), -1, dtype=np.int64)
        row_of[several] = coo.rows(-math.inf, 0.0, pair_cohort[keys[several] // width])
        chosen = row_of[inverse] >= 0
        coo.add(row_of[inverse][chosen], owner[which][chosen], 1.0)
        coo.add(row_of[several], t[keys[several] // width], -1.0)
        if soft:
            ub = (count[several] - 1).astype(np.float64)
            e = coo.vars(ub, -penalty, pair_cohort[keys[several] // width])
            coo.add(row_of[several], e, -1.0)


def _add_shared(coo: Coo, setup: Setup, cols: Columns, people: FloatArray, t: IntArray) -> None:
    """The priced rows of ``Capacities``, in their order (OUT uses no real host)."""
    cap = setup.capacities
    rows = coo.rows(-math.inf, 0.0, np.full(len(cap.limit), -1, dtype=np.int64))
    coo.hi[-1] = cap.limit.astype(np.float64)
    key = cap.cohort * (setup.shape[1] + 1) + cap.host[cap.row]
    pos = np.minimum(np.searchsorted(cols.pairs, key), max(len(cols.pairs) - 1, 0))
    found = (cols.pairs[pos] == key) if len(cols.pairs) else np.zeros(len(key), np.bool_)
    teams = found & ~cap.people[cap.row]
    coo.add(rows[cap.row[teams]], t[pos[teams]], 1.0)
    chosen = np.flatnonzero(found & cap.people[cap.row])
    order = np.argsort(cols.pair, kind="stable")
    counts = np.bincount(cols.pair, minlength=len(cols.pairs))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    which, off = _expand(counts[pos[chosen]])
    col = order[first[pos[chosen][which]] + off]
    coo.add(rows[cap.row[chosen][which]], col, people[col])


@dataclass
class LinearBound:
    """The LP in arrays and a dual vector; ``part(lam)`` is each cohort's share of the
    dual bound when the shared rows are priced at ``lam`` and the own rows keep their
    duals. For a max problem with rows lo <= Ax <= hi and 0 <= x <= ub, any duals
    ``d`` (d > 0 on rows with finite hi, d < 0 with finite lo) give
    ``max c x <= sum(d_i * (hi_i if d_i > 0 else lo_i)) + sum_j max over x_j of (c - A'd)_j x_j``.
    Each shared row's share is ``lam * limit``; the rest splits by cohort."""

    n_cohorts: int
    obj: FloatArray
    ub: FloatArray
    var_cohort: IntArray
    own_rows: tuple[IntArray, IntArray, FloatArray]  # (row, var, coef) of cohort rows
    shared: tuple[IntArray, IntArray, FloatArray]  # (shared row position, var, coef)
    row_term: FloatArray  # d_i * bound, per own row
    row_cohort: IntArray
    own_dual: FloatArray

    def parts(self, lam: FloatArray) -> FloatArray:
        """Each cohort's bound under shared prices ``lam`` (own duals fixed)."""
        rows, cols, coef = self.own_rows
        reduced = self.obj.copy()
        reduced -= np.bincount(cols, coef * self.own_dual[rows], minlength=len(reduced))
        position, var, weight = self.shared
        reduced -= np.bincount(var, weight * lam[position], minlength=len(reduced))
        gain = np.maximum(reduced, 0.0) * self.ub
        out = np.bincount(self.var_cohort, gain, minlength=self.n_cohorts)
        out += np.bincount(self.row_cohort, self.row_term, minlength=self.n_cohorts)
        return out.astype(np.float64)

    def value(self, lam: FloatArray, limit: FloatArray) -> float:
        return float(self.parts(lam).sum() + lam @ limit)


def _fixed_signs(lo: FloatArray, hi: FloatArray, dual: FloatArray) -> FloatArray:
    """Duals with the signs that keep every row term finite (others set to 0)."""
    dual = np.where((dual > 0) & ~np.isfinite(hi), 0.0, dual)
    return np.where((dual < 0) & ~np.isfinite(lo), 0.0, dual)


def _dual_bound(built: Built, dual: FloatArray, n_cohorts: int) -> LinearBound:
    """The bound's arrays at ``dual`` (see ``LinearBound``)."""
    coo = built.coo
    lo, hi = np.concatenate(coo.lo), np.concatenate(coo.hi)
    dual = _fixed_signs(lo, hi, dual)
    term = np.where(dual > 0, dual * np.where(np.isfinite(hi), hi, 0.0), 0.0)
    term += np.where(dual < 0, dual * np.where(np.isfinite(lo), lo, 0.0), 0.0)
    row_cohort = np.concatenate(coo.row_cohort)
    rows, cols, coefs = built.matrix
    own = rows < built.first_shared
    mine = row_cohort >= 0
    return LinearBound(
        n_cohorts=n_cohorts,
        obj=np.concatenate(coo.obj),
        ub=np.concatenate(coo.ub),
        var_cohort=np.concatenate(coo.var_cohort),
        own_rows=(rows[own], cols[own], coefs[own]),
        shared=(rows[~own] - built.first_shared, cols[~own], coefs[~own]),
        row_term=term[mine],
        row_cohort=row_cohort[mine],
        own_dual=np.where(mine, dual, 0.0),
    )


def _highs(built: Built, deadline: float) -> FloatArray | None:
    """HiGHS's row duals (dual simplex; None when infeasible, without duals, or out of
    time). For this maximisation they have the signs ``LinearBound`` reads (> 0 where a
    row's upper bound binds): their dual bound equals the LP's optimum (253.362 on
    season-s0's first LP, as with GLOP's duals). Any duals keep the bound valid.

    Why HiGHS: on ``season-s0``'s LPs (4,400-10,400 rows) its dual simplex took 0.09-0.40 s
    where GLOP's took 0.23-1.88 s (2026-11-29, same machine), so the pricing rounds fit in
    the bound's share of a 10 s run.
    """
    coo = built.coo
    n_vars, n_rows = coo.n_vars, coo.n_rows
    rows, cols, coefs = built.matrix
    order = np.lexsort((rows, cols))  # column-wise, as HiGHS takes it
    lo, hi = np.concatenate(coo.lo), np.concatenate(coo.hi)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_vars, n_rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.concatenate(coo.obj)
    lp.col_lower_, lp.col_upper_ = np.zeros(n_vars), np.concatenate(coo.ub)
    lp.row_lower_ = np.where(np.isfinite(lo), lo, -highspy.kHighsInf)
    lp.row_upper_ = np.where(np.isfinite(hi), hi, highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(n_vars + 1))
    lp.a_matrix_.index_ = rows[order]
    lp.a_matrix_.value_ = coefs[order]
    left = deadline - time.perf_counter()
    if left <= 0:
        return None
    solver = _Highs()
    for option, value in HIGHS_OPTIONS.items():
        solver.setOptionValue(option, value)
    solver.setOptionValue("time_limit", left)
    solver.passModel(lp)
    solver.run()
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    solution = solver.getSolution()
    if not solution.dual_valid or len(solution.row_dual) != n_rows:
        return None
    return np.asarray(solution.row_dual, dtype=np.float64)


def _priced(
    setup: Setup, units: Units, cols: Columns, built: Built, dual: FloatArray, lists: BoolArray
) -> BoolArray:
    """Hosts to add to the cohort lists ``lists``: per cohort, up to ADD_PER_COHORT hosts
    outside its list by the summed positive reduced cost of its units at ``dual``. Rows a
    new pair would open count with dual 0, a team's shared price is split over a full
    team and each member of a country is counted as a new country (optimistic: this only
    chooses hosts, the bound is valid for any cohort lists)."""
    problem, n_hosts = setup.index.problem, setup.shape[1]
    d = _fixed_signs(np.concatenate(built.coo.lo), np.concatenate(built.coo.hi), dual)
    d = np.append(d, 0.0)  # row -1: absent
    per_person = np.zeros(setup.shape)
    real = cols.pairs % (n_hosts + 1) < n_hosts
    pc, ph = cols.pairs[real] // (n_hosts + 1), cols.pairs[real] % (n_hosts + 1)
    per_person[pc, ph] = d[built.people_rows[real]].sum(axis=1)
    lam = np.maximum(d[built.first_shared : -1], 0.0)
    team_price, person_price = setup.prices(lam)
    largest = np.array([c.team_size.max for c in problem.cohorts], dtype=np.float64)
    per_person += person_price + team_price / largest[:, None]
    mix = problem.weights.country_mix if problem.rules.mixed_countries != "off" else 0.0
    known = (setup.index.country_of[units.members] >= 0).astype(np.float64)
    countries = np.add.reduceat(known, units.start[:-1]) if len(units.size) else known
    reduced = units.value - d[built.assign_row][:, None] + (mix * countries)[:, None]
    reduced -= units.size[:, None] * per_person[units.cohort]
    reduced[lists[units.cohort] | ~np.isfinite(reduced)] = 0.0
    score = np.zeros(lists.shape)
    np.add.at(score, units.cohort, np.maximum(reduced, 0.0))
    keep = min(ADD_PER_COHORT, n_hosts)
    top = np.argpartition(-score, keep - 1, axis=1)[:, :keep]
    grown = np.zeros_like(lists)
    np.put_along_axis(grown, top, np.take_along_axis(score, top, axis=1) > 1e-6, axis=1)
    return grown


def build_and_solve(setup: Setup, deadline: float) -> tuple[LinearBound, FloatArray] | None:
    """The best (lowest) dual bound over the pricing rounds and its shared-row prices;
    None when no LP is solved by ``deadline`` (a ``perf_counter`` value) or the LP
    relaxation is infeasible. Each round's bound is valid on its own (see the module
    docstring), so stopping at any round is safe."""
    units = Units.of(setup)
    lists = units.first_lists(SHORTLIST_LP, setup.shape[0])
    limit = setup.capacities.limit
    best: tuple[float, LinearBound, FloatArray] | None = None
    for _ in range(ROUNDS):
        if time.perf_counter() >= deadline:
            break
        cols = Columns.of(units, lists, setup.limits, setup.team_cost)
        built = _build(setup, units, cols)
        if time.perf_counter() >= deadline:
            break
        dual = _highs(built, deadline)
        if dual is None:
            break
        linear = _dual_bound(built, dual, setup.shape[0])
        lam = np.maximum(dual[built.first_shared :], 0.0)
        value = linear.value(lam, limit)
        stalled = best is not None and value > best[0] - STALL * max(1.0, abs(best[0]))
        if best is None or value < best[0]:
            best = (value, linear, lam)
        grown = _priced(setup, units, cols, built, dual, lists)
        if stalled or not grown.any():
            break
        lists |= grown
    return None if best is None else (best[1], best[2])
