"""Improve a plan a block of cohorts at a time: re-solve the block exactly, the rest fixed.

Why: every objective term is a sum over cohorts (fit, wishes, countries and colleagues in
a team, hosts a cohort visits), and cohorts meet only through host capacity and season
caps. So one cohort (or two) can be re-planned on its own against what the other cohorts
leave free, and the plan's objective changes by exactly the block's change. A block is a
small exact model (a 25-person cohort is proven optimal in a few hundredths of a second),
where one model of thousands of participants is not: sweeping over the cohorts climbs far
faster than large-neighbourhood search on the whole model.

Each step keeps every hard rule, so the plan stays valid throughout. First every cohort
is re-solved alone until none improves; then pairs of cohorts that are in the field on
the same day, which can trade host places between them. The search stops at the
deadline, or when no single cohort and no pair can improve.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import Enum
from itertools import combinations
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from ..analysis.check import objective
from ..engine.clock import Deadline, StopFlag
from ..engine.model import slot_matrix
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation, Status, Team
from ..records.schema import (
    Affinity,
    Capacity,
    Cohort,
    Host,
    KeepApart,
    KeepTogether,
    Participant,
    PastVisit,
    Pin,
    Problem,
)
from ..records.travel import UNITS_PER_SEK, budget_units
from .context import Context
from .exact import solve_block

IntArray = npt.NDArray[np.int64]
GroupT = TypeVar("GroupT", KeepTogether, KeepApart)

#: Hosts each participant keeps in a block's model (best by their value there with their
#: share of a team's trip, ``ProblemIndex.team_share``), plus their current host.
BLOCK_SHORTLIST = 14
#: Hosts per participant in a first, coarse sweep over single cohorts: about twice as
#: fast per cohort (season, seed 0, 1 worker: 1.6-2.2 s against 4.1-4.3 s a sweep) for
#: most of the gain (233.6 against 238.0 from greedy's 195.8), so a short run improves
#: every cohort once before the full shortlist refines them.
COARSE_SHORTLIST = 5
#: Hosts per participant in a short run's second stage (after the coarse pass, single
#: cohorts until none gains, before the full shortlist): a block at 14 hosts took about
#: three times as long as at 5, so a 1 s run refined few cohorts after the coarse pass.
#: Measured at 1 s, 1 worker (three runs each, 2026-11-29): ``season`` 98.50 / 99.13 /
#: 98.90-99.25 % of the best known against 98.41-98.52 / 98.50-98.97 / 98.87-98.97 %.
#: Not in longer runs, nor in the 3 s of fixed-days search before the joint model of
#: windows (``season-full`` at 10 s, 2 workers, two runs: 97.54-97.81 / 99.74-99.75 /
#: 98.93-98.96 % against 98.23-98.72 / 99.91 / 98.99 %).
MIDDLE_SHORTLIST = 8
#: ... and only when less time is left after the coarse pass than this many times what
#: it took: a full pass takes about 3x as long (a block at 14 hosts took 2.97x as long
#: as at 5 on season-s0), so then not even two thirds of one fit. On ``season``, 1
#: worker: at 1 s 0.0-0.3 s are left after a 0.5-0.6 s coarse pass; at 3 s 1.5-2.0 s
#: after 0.24-0.5 s, and there the middle stage cost 0.1-0.14 points (98.78 /
#: 99.14-99.20 / 99.26 % against 98.92 / 99.14-99.27 / 99.32-99.37 %, two runs each).
MIDDLE_TIME_FACTOR = 2.0
#: Longest time one block's model may take; most are proven optimal far sooner.
BLOCK_TIME_LIMIT = 2.0


@dataclass(frozen=True)
class CohortRecords:
    """Each cohort's participants, pins and affinities, so that a block's problem is built
    without scanning everybody."""

    participants: dict[int, list[Participant]]
    pins: dict[int, list[Pin]]
    affinities: dict[int, list[Affinity]]

    @classmethod
    def of(cls, index: ProblemIndex) -> CohortRecords:
        records = cls(defaultdict(list), defaultdict(list), defaultdict(list))
        problem, cohort_of = index.problem, index.cohort_of
        for p in problem.participants:
            records.participants[index.cohort_pos[p.cohort]].append(p)
        for pin in problem.pins:
            records.pins[int(cohort_of[index.participant_pos[pin.participant]])].append(pin)
        for a in problem.affinities:
            records.affinities[int(cohort_of[index.participant_pos[a.participant]])].append(a)
        return records


def visit_reservations(index: ProblemIndex, plan: Allocation) -> dict[str, set[str]]:
    """Cohort id -> hosts its teams must avoid so that the plan's study visits stay valid:
    where the whole group visits on an internship day and the host does not take both.

    Why: blocks plan teams only and the sweep keeps the plan's visits; a block that sent a
    team where its cohort's group goes would make those visits break the clash rule.
    """
    reserved: dict[str, set[str]] = defaultdict(set)
    problem = index.problem
    for visit in plan.visits:
        if visit.cohort not in index.cohort_pos or visit.host not in index.host_pos:
            continue
        cohort, host = problem.cohort(visit.cohort), problem.host(visit.host)
        both = host.group_visits is not None and host.group_visits.with_teams
        if not both and cohort.span.start <= visit.day <= cohort.span.end:
            reserved[visit.cohort].add(visit.host)
    return reserved


def subproblem(
    index: ProblemIndex,
    records: CohortRecords,
    block: list[int],
    hosts: Iterable[int],
    left: tuple[IntArray, IntArray, IntArray] | None = None,
    *,
    in_use: Iterable[int] = (),
    travel_left: float | None = None,
    reserved: dict[str, set[str]] | None = None,
    visit_spend: dict[int, int] | None = None,
) -> Problem:
    """The cohorts of ``block`` alone, at ``hosts`` (and every host they wish for).

    ``left`` (teams, people, season teams per host) replaces the hosts' capacities with
    what other cohorts leave; None keeps them. ``in_use``: hosts other cohorts already
    use (no season-spread reward there). Built from already validated records (no
    re-validation): participants keep only the blocks that refer to the hosts kept, and
    the groups, pins and affinities that concern the block. Under a hard partnership rule
    every partner host of a member stays (perhaps with no capacity left), so that the
    rule means the same in the block; the history keeps its latest season.
    ``travel_left`` replaces the season travel budget with what other cohorts leave (None
    keeps it); supplied trip costs that concern the block stay.
    ``reserved`` (cohort id -> host ids) closes hosts to a cohort's teams, so that its
    planned study visits stay valid (see :func:`visit_reservations`); ``visit_spend``
    (cohort -> öre) takes those visits' trips from the cohort's travel budget.
    """
    problem = index.problem
    participants = [p for c in block for p in records.participants[c]]
    kept_hosts = _kept_hosts(index, participants, hosts)
    kept = {problem.hosts[h].id for h in kept_hosts}
    sub_hosts = [problem.hosts[h] for h in kept_hosts]
    if left is not None:
        sub_hosts = _with_capacity_left(sub_hosts, kept_hosts, left)
    ids = {p.id for p in participants}
    cohort_ids = {problem.cohorts[c].id for c in block}
    return Problem.model_construct(
        schema_version=problem.schema_version,
        # blocks plan teams only: the plan's study visits stay (CohortSweep), and the
        # portfolio plans them for the whole plan (host days are shared by every cohort's)
        cohorts=[_without_visits(problem.cohorts[c], (visit_spend or {}).get(c, 0)) for c in block],
        participants=_blocked_outside(participants, kept, reserved or {}),
        hosts=sub_hosts,
        pins=[pin for c in block for pin in records.pins[c]],
        keep_together=_groups_inside(problem.keep_together, ids),
        keep_apart=_groups_inside(problem.keep_apart, ids),
        affinities=[a for c in block for a in records.affinities[c] if a.host in kept],
        rules=problem.rules,
        weights=problem.weights,
        history=_kept_history(problem, kept_hosts, kept),
        hosts_in_use=sorted(
            ({problem.hosts[h].id for h in in_use} | set(problem.hosts_in_use)) & kept
        ),
        travel=problem.travel,
        travel_costs=[t for t in problem.travel_costs if t.host in kept and t.cohort in cohort_ids],
        travel_budget=problem.travel_budget if travel_left is None else max(0.0, travel_left),
    )


def _blocked_outside(
    participants: list[Participant], kept: set[str], reserved: dict[str, set[str]]
) -> list[Participant]:
    """The participants with only the blocks on kept hosts, and the hosts their cohort's
    study visits reserve closed to them."""
    return [
        p.model_copy(
            update={
                "blocked_hosts": [b for b in p.blocked_hosts if b in kept]
                + sorted(reserved.get(p.cohort, set()) & kept - set(p.blocked_hosts))
            }
        )
        for p in participants
    ]


def _groups_inside(groups: Sequence[GroupT], ids: set[str]) -> list[GroupT]:
    """The groups cut to the block's participants; those left with one member go."""
    cut = [(g, [i for i in g.members if i in ids]) for g in groups]
    return [g.model_copy(update={"members": members}) for g, members in cut if len(members) > 1]


def _without_visits(cohort: Cohort, spent: int) -> Cohort:
    """The cohort planning teams only, its budget less what its visits' trips cost."""
    update: dict[str, object] = {"study_visits": []}
    if cohort.travel_budget is not None and spent:
        update["travel_budget"] = max(0.0, cohort.travel_budget - spent / UNITS_PER_SEK)
    return cohort.model_copy(update=update)


def visit_spending(index: ProblemIndex, plan: Allocation) -> dict[int, int]:
    """Cohort -> what the plan's study visits' trips cost it (öre)."""
    trips = ((visit.cohort, visit.host) for visit in plan.visits)
    return index.spent_per_cohort(trips, index.visit_travel_units)


def _kept_hosts(
    index: ProblemIndex, participants: list[Participant], hosts: Iterable[int]
) -> list[int]:
    """The block's hosts, every host a member wishes for and, under a hard partnership
    rule, every partner host of a member (so the rule means the same in the block)."""
    extra = {index.host_pos[w] for p in participants for w in p.wished_hosts()}
    if index.problem.rules.partnership == "hard" and "partnership" in index.pair_terms:
        rows = [index.participant_pos[p.id] for p in participants]
        extra |= set(np.flatnonzero(index.pair_terms["partnership"][rows].any(axis=0)).tolist())
    return sorted(set(hosts) | extra)


def _with_capacity_left(
    hosts: list[Host], positions: list[int], left: tuple[IntArray, IntArray, IntArray]
) -> list[Host]:
    """The hosts with what other cohorts leave of their capacity and season cap."""
    teams_left, people_left, season_left = left
    return [
        host.model_copy(
            update={
                "capacity": Capacity(
                    max_teams=max(0, int(teams_left[h])),
                    max_participants=max(0, int(people_left[h])),
                ),
                "season_max_teams": None
                if host.season_max_teams is None
                else max(0, int(season_left[h])),
            }
        )
        for h, host in zip(positions, hosts, strict=True)
    ]


def _kept_history(problem: Problem, kept_hosts: list[int], kept: set[str]) -> list[PastVisit]:
    """The history at the kept hosts, plus an empty visit of the latest season if none is
    left, so that host relief still reads the same latest season."""
    history = [v for v in problem.history if v.host in kept]
    if problem.history and kept_hosts:
        latest = max(v.season for v in problem.history)
        if not any(v.season == latest for v in history):
            host = problem.hosts[kept_hosts[0]].id
            history.append(PastVisit(season=latest, host=host, teams=0))
    return history


def independent_parts(index: ProblemIndex) -> list[list[int]]:
    """Groups of cohorts that can be planned apart, each list sorted, in cohort order.

    Two cohorts are coupled when some host can receive teams of both, on a day they are
    both in the field or under a season cap (or on any day, when season spread counts
    each host once over the whole problem). Cohorts never coupled, directly or through
    others, meet nowhere, so the optimum of the whole is the sum of the parts' optima.
    """
    if index.problem.travel_budget is not None:  # one season budget: every cohort shares it
        return [list(range(len(index.problem.cohorts)))]
    usable = slot_matrix(index) > 0
    parent = list(range(len(index.problem.cohorts)))

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def join(cohorts: IntArray) -> None:
        for c in cohorts[1:]:
            parent[root(int(c))] = root(int(cohorts[0]))

    capped = np.array([h.season_max_teams is not None for h in index.problem.hosts], dtype=bool)
    if index.problem.weights.season_spread > 0:
        capped[:] = True  # a host counts once over the season: every user couples
    blocks = [(np.arange(len(parent)), capped)]
    blocks += [(np.array(sorted(g)), ~capped) for g in index.concurrent_cohorts]
    for cohorts_at, hosts in blocks:
        # every user of a host joins the host's first user: capped hosts couple all
        # cohorts, the others only cohorts in the field together
        sub = usable[cohorts_at][:, hosts]
        first = cohorts_at[sub.argmax(axis=0)]
        rows, cols = np.nonzero(sub)
        n = len(parent)
        for code in np.unique(cohorts_at[rows] * n + first[cols]).tolist():
            join(np.array([code % n, code // n]))
    parts: dict[int, list[int]] = defaultdict(list)
    for c in range(len(parent)):
        parts[root(c)].append(c)
    return list(parts.values())


class Verdict(Enum):
    """What became of a block's answer."""

    ADOPTED = "adopted"
    NO_GAIN = "no gain"
    #: better, but solved against capacities another block has since taken: solve again
    STALE = "stale"


@dataclass(frozen=True)
class Job:
    """One block's problem, its current teams and their objective, ready to solve."""

    block: list[int]
    problem: Problem
    current: list[Team]
    before: float
    placed: int = 0  # people in ``current``: in relaxed mode placing more comes first


class CohortSweep:
    """The plan being improved, and what each host has left for any block of cohorts."""

    def __init__(
        self,
        index: ProblemIndex,
        plan: Allocation,
        *,
        seed: int,
        keep: int,
        stop: StopFlag | None = None,
        relaxed: bool = False,
    ) -> None:
        self.index, self.seed, self.keep, self.relaxed = index, seed, keep, relaxed
        self.stop = stop or StopFlag()
        problem = index.problem
        n_cohorts = len(problem.cohorts)
        self.teams_of: dict[int, list[Team]] = defaultdict(list)
        for team in plan.teams:
            self.teams_of[index.cohort_pos[team.cohort]].append(team)
        self.teams = np.zeros((n_cohorts, index.n_hosts), dtype=np.int64)
        self.people = np.zeros_like(self.teams)
        for c, teams in self.teams_of.items():
            self._count(c, teams, +1)
        self.max_teams, self.max_people, self.season_cap = index.host_limits
        self.groups = [sorted(g) for g in index.concurrent_cohorts]
        self.groups_of = index.groups_of
        self.records = CohortRecords.of(index)
        # the plan's study visits stay as they are: blocks avoid their hosts on their days
        # and leave their trips' cost in the budgets, so the total stays a valid plan's
        self.visits = list(plan.visits)
        self.reserved = visit_reservations(index, plan)
        self.visit_spend = visit_spending(index, plan)
        season = problem.travel_budget
        self.travel_limit = (
            None if season is None else budget_units(season) - sum(self.visit_spend.values())
        )
        self.solve_time = 0.0  # inside CP-SAT, over every block
        self.total = objective(problem, plan)

    def _count(self, cohort: int, teams: Iterable[Team], sign: int) -> None:
        for team in teams:
            h = self.index.host_pos[team.host]
            self.teams[cohort, h] += sign
            self.people[cohort, h] += sign * len(team.members)

    def _spent(self, teams: np.ndarray, cohorts: list[int]) -> int:
        """Travel (whole öre) of the given team counts for ``cohorts``."""
        return int((teams[cohorts] * self.index.travel_units[cohorts]).sum())

    def travel_left(self, block: list[int]) -> float | None:
        """SEK of the season travel budget the other cohorts leave to ``block``."""
        if self.travel_limit is None:
            return None
        inside = set(block)
        others = [c for c in range(len(self.index.problem.cohorts)) if c not in inside]
        return (self.travel_limit - self._spent(self.teams, others)) / UNITS_PER_SEK

    def left_for(self, block: list[int]) -> tuple[IntArray, IntArray, IntArray]:
        """Teams, people and season teams each host has left for the cohorts of ``block``.

        Capacity holds for every set of overlapping cohorts; a block sees, per host, the
        least any of its sets leaves (exact for one cohort, safe for several).
        """
        teams_left, people_left = self.max_teams.copy(), self.max_people.copy()
        inside = set(block)
        for g in sorted({g for c in block for g in self.groups_of[c]}):
            others = [c for c in self.groups[g] if c not in inside]
            if others:
                teams_left = np.minimum(teams_left, self.max_teams - self.teams[others].sum(0))
                people_left = np.minimum(people_left, self.max_people - self.people[others].sum(0))
        season_left = self.season_cap - self.teams.sum(0) + self.teams[block].sum(0)
        return teams_left, people_left, season_left

    def block_problem(self, block: list[int]) -> Problem:
        """The block's cohorts alone, at the hosts worth keeping, with what is left there."""
        index = self.index
        teams_left, people_left, season_left = self.left_for(block)
        members = np.concatenate([index.members(c) for c in block])
        usable = index.allowed[members] & (teams_left > 0)
        value = np.where(usable, index.pair_value[members] + index.team_share[members], -np.inf)
        top = np.argsort(-value, axis=1, kind="stable")[:, : self.keep]
        hosts = {int(h) for row, hs in zip(value, top, strict=True) for h in hs if row[h] > -np.inf}
        hosts |= {index.host_pos[t.host] for c in block for t in self.teams_of[c]}
        others = [c for c in range(len(index.problem.cohorts)) if c not in set(block)]
        in_use = np.flatnonzero(self.teams[others].sum(0) > 0).tolist()
        left = (teams_left, people_left, season_left)
        return subproblem(
            index,
            self.records,
            block,
            hosts,
            left,
            in_use=in_use,
            travel_left=self.travel_left(block),
            reserved=self.reserved,
            visit_spend=self.visit_spend,
        )

    def prepare(self, block: list[int]) -> Job:
        """The block's problem against the plan as it is now (main thread only)."""
        sub = self.block_problem(block)
        current = [t for c in block for t in self.teams_of[c]]
        placed = sum(len(t.members) for t in current)
        return Job(block, sub, current, _objective(sub, current), placed)

    def solve(self, job: Job, time_limit: float) -> Allocation:
        """Solve a prepared block (safe to run in a worker thread: reads only ``job``)."""
        hint = Allocation(status=Status.FEASIBLE, teams=job.current)
        sub_index = ProblemIndex.build(job.problem)
        return solve_block(
            sub_index.shortlisted(self.keep, anchor=sub_index.pairs_of(hint)),
            hint,
            time_limit=time_limit,
            seed=self.seed,
            stop=self.stop,
            allow_unplaced=self.relaxed,
        )

    def commit(self, job: Job, found: Allocation) -> Verdict:
        """Adopt a block's answer if strictly better and still within what the other
        cohorts leave (they may have changed while it was solved in parallel: STALE)."""
        self.solve_time += found.solve_time
        if found.objective is None or not found.is_feasible():
            return Verdict.NO_GAIN
        placed = sum(len(t.members) for t in found.teams)
        if (placed, found.objective) <= (job.placed, job.before + 1e-6):
            return Verdict.NO_GAIN
        index = self.index
        if not self._fits(job.block, found.teams):
            return Verdict.STALE
        for c in job.block:
            self._count(c, self.teams_of[c], -1)
            self.teams_of[c] = [t for t in found.teams if index.cohort_pos[t.cohort] == c]
            self._count(c, self.teams_of[c], +1)
        self.total += found.objective - job.before
        return Verdict.ADOPTED

    def _fits(self, block: list[int], found: list[Team]) -> bool:
        """Whether a block's new teams fit with the other cohorts' teams, per set of
        overlapping cohorts and per season (they may have changed meanwhile)."""
        index = self.index
        teams = np.zeros((len(index.problem.cohorts), index.n_hosts), dtype=np.int64)
        people = np.zeros_like(teams)
        for t in found:
            c, h = index.cohort_pos[t.cohort], index.host_pos[t.host]
            teams[c, h] += 1
            people[c, h] += len(t.members)
        inside = set(block)
        for g in sorted({g for c in block for g in self.groups_of[c]}):
            mine = [c for c in self.groups[g] if c in inside]
            others = [c for c in self.groups[g] if c not in inside]
            total_teams = teams[mine].sum(0) + self.teams[others].sum(0)
            total_people = people[mine].sum(0) + self.people[others].sum(0)
            if (total_teams > self.max_teams).any() or (total_people > self.max_people).any():
                return False
        others_all = [c for c in range(len(index.problem.cohorts)) if c not in inside]
        season = teams.sum(0) + self.teams[others_all].sum(0)
        if self.travel_limit is not None:
            spent = self._spent(teams, sorted(inside)) + self._spent(self.teams, others_all)
            if spent > self.travel_limit:
                return False
        return not (season > self.season_cap).any()

    def plan(self, like: Allocation) -> Allocation:
        teams = self.index.renumbered(t for teams in self.teams_of.values() for t in teams)
        # the visits still hold (see __init__); the portfolio may plan better ones
        update = {"teams": teams, "solve_time": self.solve_time, "visits": self.visits}
        return like.model_copy(update=update)


def improve_by_cohort(
    index: ProblemIndex,
    plan: Allocation,
    *,
    deadline: float | Deadline,
    seed: int = 0,
    threads: int = 1,
    keep: int = BLOCK_SHORTLIST,
    on_improvement: Callable[[float], None] | None = None,
    relaxed: bool = False,
    coarse: int | None = None,
    middle: int | None = None,
) -> Allocation:
    """Re-solve single cohorts, then pairs of concurrent cohorts, until none improves.

    ``coarse`` (hosts per participant) runs one quick pass over the single cohorts with
    that shortlist first (see COARSE_SHORTLIST); ``middle`` then re-solves them with that
    shortlist until none gains, when little time is left for a full pass (see
    MIDDLE_TIME_FACTOR; this choice depends on the clock).

    ``plan`` must be valid; the answer is valid and at least as good. ``deadline`` is a
    :class:`Deadline` (or a ``time.perf_counter()`` value). ``threads`` blocks are solved
    at once (one CP-SAT worker each; CP-SAT releases the GIL). ``on_improvement`` gets the
    plan's objective after each improving step. With one thread and a run that ends
    before the deadline, the answer depends only on the input and the seed.
    """
    clock = deadline if isinstance(deadline, Deadline) else Deadline(deadline - time.perf_counter())
    sweep = CohortSweep(index, plan, seed=seed, keep=keep, stop=clock.stop, relaxed=relaxed)
    rng = random.Random(seed)
    singles = [[c] for c in range(len(index.problem.cohorts))]
    rng.shuffle(singles)
    pairs = [list(p) for p in sorted({p for g in sweep.groups for p in combinations(g, 2)})]
    rng.shuffle(pairs)
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        sweeper = BlockRunner(sweep, pool, clock, threads, on_improvement)
        if coarse is not None and coarse < keep:
            sweep.keep = coarse
            started = time.perf_counter()
            sweeper.run(singles, once=True)
            short = clock.remaining() < MIDDLE_TIME_FACTOR * (time.perf_counter() - started)
            if middle is not None and coarse < middle < keep and short:
                sweep.keep = middle
                sweeper.run(singles)
            sweep.keep = keep
        # singles, then pairs, and again while pairs find something singles then might use
        while sweeper.run(singles) is not None and sweeper.run(pairs):
            pass
    return sweep.plan(plan)


class BlockRunner:
    """Solves blocks in turn (``threads`` at once, no two sharing a cohort) and commits gains."""

    def __init__(
        self,
        sweep: CohortSweep,
        pool: ThreadPoolExecutor,
        deadline: Deadline,
        threads: int,
        on_improvement: Callable[[float], None] | None,
        block_limit: float = BLOCK_TIME_LIMIT,
    ) -> None:
        self.sweep, self.pool, self.deadline, self.threads = sweep, pool, deadline, threads
        self.on_improvement, self.block_limit = on_improvement, block_limit

    def _next(self, blocks: list[list[int]], turn: int, busy: set[int]) -> int | None:
        """Offset from ``turn`` of the next block sharing no cohort with those being solved."""
        return next(
            (i for i in range(len(blocks)) if busy.isdisjoint(blocks[(turn + i) % len(blocks)])),
            None,
        )

    def run(self, blocks: list[list[int]], *, once: bool = False) -> bool | None:
        """Re-solve blocks cyclically until none improves (``once``: each block once);
        None when time is up. A block whose gain went stale (solved in parallel with one
        that took the same places) is solved again before any other."""
        gained, unchanged = False, 0  # blocks re-solved in a row without a gain
        left = len(blocks) if once else -1  # blocks still to submit when ``once``
        pending: dict[Future[Allocation], tuple[int, Job]] = {}
        busy: set[int] = set()  # cohorts of blocks being solved
        turn = 0  # the next block to try, cyclically
        while True:
            out_of_time = self.deadline.expired(margin=0.05)
            while not out_of_time and len(pending) < self.threads and unchanged < len(blocks):
                if left == 0:
                    break
                step = self._next(blocks, turn, busy)
                if step is None:
                    break
                left -= 1
                position, turn = (turn + step) % len(blocks), (turn + step + 1) % len(blocks)
                job = self.sweep.prepare(blocks[position])
                limit = max(0.01, min(self.block_limit, self.deadline.remaining()))
                pending[self.pool.submit(self.sweep.solve, job, limit)] = (position, job)
                busy.update(job.block)
            if not pending:
                return None if out_of_time else gained
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f][0]):
                position, job = pending.pop(future)
                busy.difference_update(job.block)
                verdict = self.sweep.commit(job, future.result())
                if verdict is Verdict.ADOPTED:
                    gained, unchanged = True, 0
                    if self.on_improvement is not None:
                        self.on_improvement(self.sweep.total)
                elif verdict is Verdict.STALE:
                    turn, left = position, left + 1 if once else left
                else:
                    unchanged += 1


def setup_time(index: ProblemIndex) -> float:
    """Seconds a sweep takes to set up (about 1 s at 10,000 participants): no sweep
    starts with less time left, so that the time limit holds at every size."""
    return 0.05 + index.n_participants * 1e-4


class Decompose:
    """Strategy: cohort-by-cohort exact re-solving of the incumbent (needs a plan)."""

    name = "decompose"

    def __init__(self, *, coarse: bool = False, short: bool = False) -> None:
        self.coarse = coarse
        #: A short run (see the portfolio's SHORT_RUN): after the coarse pass, a middle one.
        self.short = short

    def run(
        self, index: ProblemIndex, incumbent: Allocation | None, ctx: Context
    ) -> Allocation | None:
        if incumbent is None or ctx.deadline.expired(margin=setup_time(index)):
            return None

        def improved(value: float) -> None:
            ctx.report(value, self.name)

        return improve_by_cohort(
            index,
            incumbent,
            deadline=ctx.deadline,
            seed=ctx.options.seed,
            threads=ctx.options.workers,
            on_improvement=improved,
            relaxed=ctx.options.allow_unplaced,
            coarse=COARSE_SHORTLIST if self.coarse else None,
            middle=MIDDLE_SHORTLIST if self.coarse and self.short else None,
        )


def _objective(problem: Problem, teams: list[Team]) -> float:
    return objective(problem, Allocation(status=Status.FEASIBLE, teams=teams))
