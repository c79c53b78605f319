"""Peer ``highs``: the README's rules and objective as a MIP, solved by HiGHS (``highspy``).

Written from the README, not from icld-match's CP-SAT code (only the idea of team slots is
shared, because it is the natural formulation). Variables:

* ``x[p, s]`` binary, for every slot ``s`` = (cohort c, host h, rank r) and every member p
  of c whom every pair rule (dates, language, access, blocked hosts, pins) allows at h. A
  host gets min(max_teams, max_participants // min team size, season cap, candidates //
  min team size) slots per cohort. Symmetry: the i-th candidate (input order) may only use
  ranks <= i, and slot r+1 is used only if slot r is;
* ``used[s]`` binary: the slot is a team;
* ``y[s, k]`` in [0, 1]: country k is present in slot s (y <= sum of x of k's members);
* ``v[c, h]`` in [0, 1]: cohort c visits host h (v <= sum of used over its slots);
* organisation: ``e[s, o]`` >= 0 with e >= (colleagues of o in s) - 1 for 'apart';
  ``z[s, o]`` in [0, 1] with z >= x[p, s] for every colleague p for 'together'.

y, v, e and z are continuous: at integral x and used their optimal values are integral.

Constraints: everyone in exactly one slot; min * used <= size <= max * used and x <= used
(a tightening); per maximal set of overlapping cohorts and host, sum used <= max_teams and
sum x <= max_participants; per host, sum used <= season cap; keep-together members (and
colleagues under hard 'together') in the same slots (x[q, s] = x[first, s]); at most one
member of a keep-apart group (and of an organisation under hard 'apart') per slot; hard
country mix: per slot and country k, used <= members from other countries.

Objective (maximised), the README's weights: fit * thematic_fit + wish value * wishes on x;
country_mix * (sum y - sum used); host_spread * sum v; - organisation * (sum e) for 'apart',
- organisation * (sum z - number of colleague groups) for 'together'.

The LP relaxation of the same model (all variables continuous) is the benchmark's common
reference bound; :func:`lp_bound` solves it on its own.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from icld_match import Allocation, Problem, Status, Team

from .common import IntArray, Pairs, build_teams, concurrent_groups

FloatArray = npt.NDArray[np.float64]


def _limits(problem: Problem, cohort: int) -> IntArray:
    """Per host, teams of the cohort it can hold at once (capacity, people, season cap)."""
    low = problem.cohorts[cohort].team_size.min
    hosts = problem.hosts
    limit = np.minimum(
        np.asarray([h.capacity.max_teams for h in hosts], dtype=np.int64),
        np.asarray([h.capacity.max_participants // low for h in hosts], dtype=np.int64),
    )
    cap = np.asarray(
        [h.season_max_teams if h.season_max_teams is not None else 10**9 for h in hosts],
        dtype=np.int64,
    )
    out: IntArray = np.maximum(np.minimum(limit, cap), 0)
    return out


def count_binaries(problem: Problem, pairs: Pairs | None = None) -> int:
    """Binary variables the MIP would have (x and used), without building it."""
    pairs = pairs or Pairs.build(problem)
    total = 0
    for c, rows in enumerate(pairs.members):
        if not rows:
            continue
        low = problem.cohorts[c].team_size.min
        counts = pairs.allowed[rows].sum(axis=0).astype(np.int64)
        k = np.minimum(_limits(problem, c), counts // low)
        total += int((k * counts - k * (k - 1) // 2 + k).sum())
    return total


@dataclass
class _Matrix:
    """Columns and rows collected as numpy blocks, assembled once into CSC."""

    cost: list[FloatArray] = field(default_factory=list)
    lower: list[FloatArray] = field(default_factory=list)
    upper: list[FloatArray] = field(default_factory=list)
    integer: list[npt.NDArray[np.bool_]] = field(default_factory=list)
    n_cols: int = 0
    row_lower: list[FloatArray] = field(default_factory=list)
    row_upper: list[FloatArray] = field(default_factory=list)
    entries: list[tuple[IntArray, IntArray, FloatArray]] = field(default_factory=list)
    n_rows: int = 0
    extra_cost: list[tuple[IntArray, float]] = field(default_factory=list)

    def cols(self, k: int, cost: Any, lower: float, upper: Any, integer: bool) -> IntArray:
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=np.float64), (k,)).copy())
        self.lower.append(np.full(k, lower))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (k,)).copy())
        self.integer.append(np.full(k, integer))
        first, self.n_cols = self.n_cols, self.n_cols + k
        return np.arange(first, self.n_cols, dtype=np.int64)

    def rows(self, lower: Any, upper: Any, k: int, *blocks: tuple[Any, Any, Any]) -> None:
        """Add k rows; each block is (local row ids, columns, values), broadcast as needed."""
        self.row_lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (k,)).copy())
        self.row_upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (k,)).copy())
        for local, cols, vals in blocks:
            local = np.asarray(local, dtype=np.int64)
            cols = np.broadcast_to(np.asarray(cols, dtype=np.int64), local.shape)
            vals = np.broadcast_to(np.asarray(vals, dtype=np.float64), local.shape)
            self.entries.append((local + self.n_rows, cols.copy(), vals.copy()))
        self.n_rows += k

    def add_cost(self, cols: IntArray, cost: float) -> None:
        """Add ``cost`` to the objective coefficient of existing columns."""
        self.extra_cost.append((cols, cost))

    def csc(self) -> tuple[IntArray, IntArray, FloatArray]:
        if self.entries:
            rows = np.concatenate([e[0] for e in self.entries])
            cols = np.concatenate([e[1] for e in self.entries])
            vals = np.concatenate([e[2] for e in self.entries])
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
            vals = np.zeros(0)
        key = cols * max(self.n_rows, 1) + rows
        unique, inverse = np.unique(key, return_inverse=True)
        summed = np.bincount(inverse, weights=vals, minlength=len(unique))
        keep = summed != 0
        unique, summed = unique[keep], summed[keep]
        col_of = unique // max(self.n_rows, 1)
        start = np.zeros(self.n_cols + 1, dtype=np.int64)
        np.cumsum(np.bincount(col_of, minlength=self.n_cols), out=start[1:])
        index: IntArray = (unique % max(self.n_rows, 1)).astype(np.int64)
        return start, index, summed.astype(np.float64)

    def column_costs(self) -> FloatArray:
        cost: FloatArray = np.concatenate(self.cost) if self.cost else np.zeros(0)
        for cols, extra in self.extra_cost:
            np.add.at(cost, cols, extra)
        return cost


@dataclass
class Mip:
    """The assembled model and what is needed to decode a solution."""

    problem: Pairs
    matrix: _Matrix
    offset: float
    x_part: IntArray
    x_slot: IntArray
    slot_cohort: IntArray
    slot_host: IntArray
    build_time: float

    @property
    def n_binaries(self) -> int:
        return int(np.concatenate(self.matrix.integer).sum()) if self.matrix.integer else 0


@dataclass
class _Build:
    """The state the sections of :func:`build_mip` share: the problem, matrix and slots."""

    problem: Problem
    pairs: Pairs
    m: _Matrix
    x_part: IntArray  # per x column: participant row
    x_slot: IntArray  # per x column: slot
    s_cohort: IntArray  # per slot: cohort
    s_host: IntArray  # per slot: host
    x: IntArray  # x column ids
    used: IntArray  # used column ids, per slot

    @property
    def n_p(self) -> int:
        return len(self.problem.participants)

    @property
    def n_s(self) -> int:
        return len(self.s_cohort)

    @property
    def n_hosts(self) -> int:
        return len(self.problem.hosts)


def build_mip(problem: Problem, pairs: Pairs | None = None) -> Mip:
    """The MIP of the module docstring, as numpy blocks."""
    started = time.perf_counter()
    b = _slots(problem, pairs or Pairs.build(problem), _Matrix())
    _placement(b)
    _symmetry(b)
    _capacity(b)
    rules = _pair_rules(b)
    _country_mix(b)
    _host_spread(b)
    offset = _organisation(b, rules)
    return Mip(
        problem=b.pairs,
        matrix=b.m,
        offset=offset,
        x_part=b.x_part,
        x_slot=b.x_slot,
        slot_cohort=b.s_cohort,
        slot_host=b.s_host,
        build_time=time.perf_counter() - started,
    )


def _slots(problem: Problem, pairs: Pairs, m: _Matrix) -> _Build:
    """The team slots of every cohort at every host, and the x and used columns."""
    slot_cohort: list[int] = []
    slot_host: list[int] = []
    xp: list[IntArray] = []
    xs: list[IntArray] = []
    for c, rows in enumerate(pairs.members):
        if not rows:
            continue
        low = problem.cohorts[c].team_size.min
        members = np.asarray(rows, dtype=np.int64)
        sub = pairs.allowed[members]
        counts = sub.sum(axis=0)
        limits = np.minimum(_limits(problem, c), counts // low)
        for h in np.flatnonzero(limits > 0).tolist():
            candidates = members[sub[:, h]]
            for rank in range(int(limits[h])):
                s = len(slot_cohort)
                slot_cohort.append(c)
                slot_host.append(h)
                xp.append(candidates[rank:])
                xs.append(np.full(len(candidates) - rank, s, dtype=np.int64))
    x_part = np.concatenate(xp) if xp else np.zeros(0, dtype=np.int64)
    x_slot = np.concatenate(xs) if xs else np.zeros(0, dtype=np.int64)
    s_cohort = np.asarray(slot_cohort, dtype=np.int64)
    s_host = np.asarray(slot_host, dtype=np.int64)
    n_x, n_s = len(x_part), len(s_cohort)
    pair_value = pairs.pair_value()
    x = m.cols(n_x, pair_value[x_part, s_host[x_slot]], 0.0, 1.0, True)
    used = m.cols(n_s, 0.0, 0.0, 1.0, True)
    return _Build(problem, pairs, m, x_part, x_slot, s_cohort, s_host, x, used)


def _placement(b: _Build) -> None:
    """Everyone in exactly one slot; min * used <= size <= max * used; x <= used."""
    problem, m, x, used, x_slot = b.problem, b.m, b.x, b.used, b.x_slot
    n_s, n_x = b.n_s, len(b.x_part)
    m.rows(1.0, 1.0, b.n_p, (b.x_part, x, 1.0))
    cohorts = problem.cohorts
    smallest = np.asarray([cohorts[c].team_size.min for c in b.s_cohort], dtype=np.float64)
    largest = np.asarray([cohorts[c].team_size.max for c in b.s_cohort], dtype=np.float64)
    slots = np.arange(n_s)
    m.rows(-np.inf, 0.0, n_s, (x_slot, x, 1.0), (slots, used, -largest))
    m.rows(0.0, np.inf, n_s, (x_slot, x, 1.0), (slots, used, -smallest))
    m.rows(-np.inf, 0.0, n_x, (np.arange(n_x), x, 1.0), (np.arange(n_x), used[x_slot], -1.0))


def _symmetry(b: _Build) -> None:
    """Between the slots of one cohort at one host: slot r+1 is used only if slot r is."""
    s_cohort, s_host, used = b.s_cohort, b.s_host, b.used
    later = np.flatnonzero(
        (np.arange(b.n_s) > 0) & (s_cohort == np.roll(s_cohort, 1)) & (s_host == np.roll(s_host, 1))
    )
    k = len(later)
    b.m.rows(
        -np.inf, 0.0, k, (np.arange(k), used[later], 1.0), (np.arange(k), used[later - 1], -1.0)
    )


def _capacity(b: _Build) -> None:
    """Host capacity per maximal set of overlapping cohorts, and the season cap."""
    problem, m, n_hosts = b.problem, b.m, b.n_hosts
    s_cohort, s_host, x_slot, x, used = b.s_cohort, b.s_host, b.x_slot, b.x, b.used
    max_teams = np.asarray([h.capacity.max_teams for h in problem.hosts], dtype=np.float64)
    max_people = np.asarray([h.capacity.max_participants for h in problem.hosts], dtype=np.float64)
    for group in concurrent_groups(problem):
        in_group = np.isin(s_cohort, group)
        xin = in_group[x_slot]
        m.rows(-np.inf, max_teams, n_hosts, (s_host[in_group], used[in_group], 1.0))
        m.rows(-np.inf, max_people, n_hosts, (s_host[x_slot[xin]], x[xin], 1.0))
    capped = [h for h, host in enumerate(problem.hosts) if host.season_max_teams is not None]
    if capped:
        position = np.full(n_hosts, -1, dtype=np.int64)
        position[capped] = np.arange(len(capped))
        caps = [float(problem.hosts[h].season_max_teams or 0) for h in capped]
        sel = position[s_host] >= 0
        m.rows(-np.inf, caps, len(capped), (position[s_host[sel]], used[sel], 1.0))


class _PairRules:
    """Pair rules between participants: tie a group's slots, or at most one per slot."""

    def __init__(self, b: _Build) -> None:
        self.b = b
        self.order = np.argsort(b.x_part, kind="stable")
        self.bounds = np.searchsorted(b.x_part[self.order], np.arange(b.n_p + 1))

    def x_of(self, p: int) -> dict[int, int]:
        """slot -> x column for one participant."""
        idx = self.order[self.bounds[p] : self.bounds[p + 1]]
        return dict(zip(self.b.x_slot[idx].tolist(), self.b.x[idx].tolist(), strict=True))

    def tie(self, group: list[int]) -> None:
        """Every member of ``group`` in the same slots as its first member."""
        first = self.x_of(group[0])
        for q in group[1:]:
            other = self.x_of(q)
            shared = sorted(set(first) | set(other))
            entries = [(i, other[s], 1.0) for i, s in enumerate(shared) if s in other]
            entries += [(i, first[s], -1.0) for i, s in enumerate(shared) if s in first]
            rows_, cols_, vals_ = zip(*entries, strict=True) if entries else ((), (), ())
            self.b.m.rows(0.0, 0.0, len(shared), (list(rows_), list(cols_), list(vals_)))

    def at_most_one(self, group: list[int]) -> None:
        """At most one member of ``group`` per slot."""
        by_slot: dict[int, list[int]] = defaultdict(list)
        for p in group:
            for s, col in self.x_of(p).items():
                by_slot[s].append(col)
        crowded = [cols for cols in by_slot.values() if len(cols) > 1]
        rows_ = [i for i, cols in enumerate(crowded) for _ in cols]
        self.b.m.rows(
            -np.inf, 1.0, len(crowded), (rows_, [c for cols in crowded for c in cols], 1.0)
        )


def _pair_rules(b: _Build) -> _PairRules:
    """Keep-together and keep-apart groups; the rules are reused for the organisation."""
    rules = _PairRules(b)
    for together in b.problem.keep_together:
        rules.tie([b.pairs.row_of[p] for p in together.members])
    for apart in b.problem.keep_apart:
        rules.at_most_one([b.pairs.row_of[p] for p in apart.members])
    return rules


def _country_mix(b: _Build) -> None:
    """y[s, k] <= members of country k in s, rewarded; under 'hard', no one-country team."""
    rules, w, pairs, m = b.problem.rules, b.problem.weights, b.pairs, b.m
    n_countries = int(pairs.country_of.max()) + 1 if b.n_p else 1
    if rules.mixed_countries == "off":
        return
    key = b.x_slot * n_countries + pairs.country_of[b.x_part]
    unique, inverse = np.unique(key, return_inverse=True)
    y = m.cols(len(unique), w.country_mix, 0.0, 1.0, False)
    r = np.arange(len(unique))
    m.rows(-np.inf, 0.0, len(unique), (r, y, 1.0), (inverse, b.x, -1.0))
    m.add_cost(b.used, -w.country_mix)
    if rules.mixed_countries == "hard":
        _hard_country_mix(b, unique, n_countries)


def _hard_country_mix(b: _Build, unique: IntArray, n_countries: int) -> None:
    """Per slot and country k present in it: used <= members from other countries."""
    pairs, x_part, x_slot, x = b.pairs, b.x_part, b.x_slot, b.x
    cohort_countries = [len({int(pairs.country_of[p]) for p in rows}) for rows in pairs.members]
    slot_country = unique // n_countries, unique % n_countries
    x_by_slot = np.argsort(x_slot, kind="stable")
    slot_bounds = np.searchsorted(x_slot[x_by_slot], np.arange(b.n_s + 1))
    rows_l: list[int] = []
    cols_l: list[int] = []
    vals_l: list[float] = []
    n_hard = 0
    for s, kc in zip(*slot_country, strict=True):
        if cohort_countries[b.s_cohort[s]] < 2:
            continue
        idx = x_by_slot[slot_bounds[s] : slot_bounds[s + 1]]
        others = idx[pairs.country_of[x_part[idx]] != kc]
        rows_l += [n_hard] * (len(others) + 1)
        cols_l += [int(b.used[s]), *x[others].tolist()]
        vals_l += [1.0] + [-1.0] * len(others)
        n_hard += 1
    b.m.rows(-np.inf, 0.0, n_hard, (rows_l, cols_l, vals_l))


def _host_spread(b: _Build) -> None:
    """v[c, h] <= slots of cohort c used at host h, rewarded."""
    key = b.s_cohort * b.n_hosts + b.s_host
    unique, inverse = np.unique(key, return_inverse=True)
    v = b.m.cols(len(unique), b.problem.weights.host_spread, 0.0, 1.0, False)
    b.m.rows(-np.inf, 0.0, len(unique), (np.arange(len(unique)), v, 1.0), (inverse, b.used, -1.0))


def _organisation(b: _Build, pair_rules: _PairRules) -> float:
    """The organisation policy; returns the objective's constant offset."""
    rules, pairs, n_p = b.problem.rules, b.pairs, b.n_p
    if rules.organisation == "neutral":
        return 0.0
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p in range(n_p):
        if pairs.organisation_of[p] >= 0:
            groups[int(pairs.cohort_of[p]), int(pairs.organisation_of[p])].append(p)
    colleagues = [g for g in groups.values() if len(g) > 1]
    hard = rules.organisation_strictness == "hard"
    has_colleague = np.zeros(n_p, dtype=np.bool_)
    for g in colleagues:
        has_colleague[g] = True
    if rules.organisation == "apart" and hard:
        for g in colleagues:
            pair_rules.at_most_one(g)
    elif rules.organisation == "together" and hard:
        for g in colleagues:
            pair_rules.tie(g)
    elif colleagues:
        return _soft_organisation(b, has_colleague, len(colleagues))
    return 0.0


def _soft_organisation(b: _Build, has_colleague: npt.NDArray[np.bool_], n_groups: int) -> float:
    """e[s, o] >= colleagues of o in s - 1 ('apart') or z[s, o] >= x ('together'), penalised."""
    pairs, m, x = b.pairs, b.m, b.x
    weight = b.problem.weights.organisation
    picked = np.flatnonzero(has_colleague[b.x_part])
    n_orgs = int(pairs.organisation_of.max()) + 1
    key = b.x_slot[picked] * n_orgs + pairs.organisation_of[b.x_part[picked]]
    unique, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    if b.problem.rules.organisation == "apart":
        crowded = counts > 1
        e = m.cols(int(crowded.sum()), -weight, 0.0, counts[crowded] - 1, False)
        keep = crowded[inverse]
        local = np.cumsum(crowded) - 1
        k = int(crowded.sum())
        m.rows(
            -np.inf,
            1.0,
            k,
            (local[inverse[keep]], x[picked[keep]], 1.0),
            (np.arange(k), e, -1.0),
        )
        return 0.0
    z = m.cols(len(unique), -weight, 0.0, 1.0, False)
    n = len(picked)
    m.rows(-np.inf, 0.0, n, (np.arange(n), x[picked], 1.0), (np.arange(n), z[inverse], -1.0))
    return weight * n_groups


# --------------------------------------------------------------------------------------
# Solving with HiGHS
# --------------------------------------------------------------------------------------


@dataclass
class HighsRun:
    """What one HiGHS run produced, in the problem's objective scale."""

    allocation: Allocation
    objective: float | None  # HiGHS's own objective value
    dual_bound: float | None  # proven upper bound (MIP) or LP optimum (relaxation)
    model_status: str
    #: (seconds since start, objective, dual bound or None) per improving solution
    progress: list[tuple[float, float, float | None]]
    n_cols: int
    n_rows: int
    n_binaries: int
    build_time: float


def _highs(mip: Mip, relaxation: bool, time_limit: float, threads: int, seed: int) -> Any:
    import highspy

    m = mip.matrix
    start, index, value = m.csc()
    integrality = np.concatenate(m.integer).astype(np.int32) if m.integer else np.zeros(0, np.int32)
    if relaxation:
        integrality = np.zeros_like(integrality)
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(0.5, float(time_limit)))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 1e-6)
    if relaxation and m.n_cols > 50_000:
        # interior point without crossover: the optimum's value is all a bound needs, and
        # simplex is far slower on these LPs (stress 1000: IPM ~200 s, simplex > 10 min)
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    h.passModel(
        m.n_cols,
        m.n_rows,
        len(index),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize),
        float(mip.offset),
        m.column_costs(),
        np.concatenate(m.lower) if m.lower else np.zeros(0),
        np.concatenate(m.upper) if m.upper else np.zeros(0),
        np.concatenate(m.row_lower) if m.row_lower else np.zeros(0),
        np.concatenate(m.row_upper) if m.row_upper else np.zeros(0),
        start.astype(np.int32),
        index.astype(np.int32),
        value,
        integrality,
    )
    return h


@dataclass
class _Incumbent:
    """The latest improving MIP solution seen by HiGHS's callback (kept for an abandoned run)."""

    started: float
    on_progress: Callable[[float, float, float | None], None] | None
    progress: list[tuple[float, float, float | None]] = field(default_factory=list)
    values: FloatArray | None = None
    bound: float | None = None

    def improved(self, event: Any) -> None:
        out = event.data_out
        dual = float(out.mip_dual_bound)
        self.bound = dual if np.isfinite(dual) else None
        point = (
            time.perf_counter() - self.started,
            float(out.objective_function_value),
            self.bound,
        )
        self.values = np.array(out.mip_solution, dtype=np.float64, copy=True)
        self.progress.append(point)
        if self.on_progress is not None:
            self.on_progress(*point)


def _run_until(h: Any, deadline: float, grace: float) -> bool:
    """Run HiGHS in its own thread until it ends or ``deadline``; True if it ended.

    HiGHS checks its time limit only between steps: presolve and the root node of a large
    model can run far past it. At the deadline the run is cancelled (an interrupt HiGHS
    polls in simplex, IPM and branch-and-bound); if it has not stopped ``grace`` seconds
    later, it is abandoned (the thread is a daemon; the benchmark child exits right after).
    """
    h.HandleUserInterrupt = True
    thread = h.startSolve()
    thread.join(timeout=max(0.0, deadline - time.perf_counter()))
    if thread.is_alive():
        h.cancelSolve()
        thread.join(timeout=grace)
    return not thread.is_alive()


def solve_highs(
    problem: Problem,
    *,
    time_limit: float,
    threads: int = 2,
    seed: int = 0,
    relaxation: bool = False,
    on_progress: Callable[[float, float, float | None], None] | None = None,
) -> HighsRun:
    """Build the MIP and solve it (or its LP relaxation) within ``time_limit`` seconds.

    The limit covers the whole call, model building included: HiGHS gets what is left
    after building, and a run still busy at the limit is cancelled, then abandoned with its
    best solution so far (see :func:`_run_until`), so the peer answers on time like the
    others. A model that takes the whole limit to build gets no solve at all.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    mip = build_mip(problem)
    slotless = np.setdiff1d(np.arange(len(problem.participants)), mip.x_part)
    left = deadline - time.perf_counter()
    if len(slotless) or left <= 0:  # HiGHS rejects a model without columns
        who = problem.participants[int(slotless[0])].id if len(slotless) else ""
        reason = f"{who} fits in no team slot" if who else "building the MIP took the whole limit"
        status = Status.INFEASIBLE if who else Status.UNKNOWN
        return _outcome(problem, mip, started, time_limit, relaxation, status, reason)
    h = _highs(mip, relaxation, left, threads, seed)
    incumbent = _Incumbent(started, on_progress)
    if not relaxation and hasattr(h, "cbMipImprovingSolution"):
        h.cbMipImprovingSolution.subscribe(incumbent.improved)
    if not _run_until(h, deadline, grace=0.5 + 0.02 * time_limit):
        if relaxation or incumbent.values is None:
            reason = "HiGHS: still running at the limit (abandoned)"
            return _outcome(problem, mip, started, time_limit, relaxation, Status.UNKNOWN, reason)
        return _finish(problem, mip, started, time_limit, incumbent, None)
    return _finish(problem, mip, started, time_limit, incumbent, h, relaxation)


def _outcome(
    problem: Problem,
    mip: Mip,
    started: float,
    time_limit: float,
    relaxation: bool,
    status: Status,
    reason: str,
) -> HighsRun:
    """A run without any solution (no model, no time, or nothing found)."""
    return HighsRun(
        allocation=Allocation(
            status=status,
            reasons=[reason],
            wall_time=time.perf_counter() - started,
            time_limit=time_limit,
            strategy="highs-lp" if relaxation else "highs-mip",
        ),
        objective=None,
        dual_bound=None,
        model_status=reason,
        progress=[],
        n_cols=mip.matrix.n_cols,
        n_rows=mip.matrix.n_rows,
        n_binaries=mip.n_binaries,
        build_time=mip.build_time,
    )


def _finish(
    problem: Problem,
    mip: Mip,
    started: float,
    time_limit: float,
    incumbent: _Incumbent,
    h: Any | None,
    relaxation: bool = False,
) -> HighsRun:
    """The run's result: from HiGHS when it ended (``h``), else from the last incumbent."""
    values: FloatArray | None
    objective: float | None
    if h is None:  # abandoned: the callback's last improving solution and bound
        assert incumbent.values is not None
        status_name, optimal, has_solution = "Abandoned at the limit", False, True
        values, objective = incumbent.values, incumbent.progress[-1][1]
        bound = incumbent.bound
    else:
        import highspy

        status = h.getModelStatus()
        info = h.getInfo()
        status_name = h.modelStatusToString(status)
        optimal = status == highspy.HighsModelStatus.kOptimal
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        objective = float(info.objective_function_value) if has_solution else None
        dual = float(info.mip_dual_bound)
        bound = dual if np.isfinite(dual) else None
        if relaxation:
            bound = objective if optimal else None
        values = np.asarray(h.getSolution().col_value) if has_solution else None
        if status == highspy.HighsModelStatus.kInfeasible:
            return _outcome(
                problem, mip, started, time_limit, False, Status.INFEASIBLE, status_name
            )
    run = _outcome(problem, mip, started, time_limit, relaxation, Status.UNKNOWN, status_name)
    run.progress, run.dual_bound = incumbent.progress, bound
    if relaxation or not has_solution or values is None:
        run.objective = objective if relaxation else None
        return run
    teams = decode(problem, mip, values[: len(mip.x_part)])
    gap = (
        None
        if objective is None or bound is None
        else abs(bound - objective) / max(1.0, abs(objective))
    )
    run.objective = objective
    run.allocation = run.allocation.model_copy(
        update={
            "status": Status.OPTIMAL if optimal else Status.FEASIBLE,
            "teams": teams,
            "objective": objective,
            "best_bound": bound,
            "gap": gap,
            "reasons": [],
            "wall_time": time.perf_counter() - started,
        }
    )
    return run


def lp_bound(problem: Problem, *, time_limit: float, threads: int = 2) -> HighsRun:
    """The LP relaxation's optimum: an upper bound on every allocation's objective."""
    return solve_highs(problem, time_limit=time_limit, threads=threads, relaxation=True)


def decode(problem: Problem, mip: Mip, x_values: FloatArray) -> list[Team]:
    """Teams from the x values (> 0.5 means in the slot)."""
    pairs = mip.problem
    chosen = x_values > 0.5
    by_slot: dict[int, list[int]] = defaultdict(list)
    for p, s in zip(mip.x_part[chosen].tolist(), mip.x_slot[chosen].tolist(), strict=True):
        by_slot[s].append(p)
    return build_teams(
        problem,
        pairs.fit,
        ((int(mip.slot_cohort[s]), int(mip.slot_host[s]), rows) for s, rows in by_slot.items()),
    )
