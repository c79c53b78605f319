"""Peer ``greedy``: how a careful coordinator plans by hand, as a one-pass heuristic.

Cohorts are planned in date order (capacity already promised to earlier cohorts is gone);
pins are promises made first, so a team place at each pinned host is held for the pinned
participant's cohort from the start.
Within a cohort the coordinator forms teams one at a time:

1. size each team as the largest of an even split of those still unplaced (as few teams
   as the maximum size allows: 25 people, 2-4 per team -> 4, 4, 4, 4, 3, 3, 3);
2. start each team with the *most constrained* remaining person (at most 3 hosts still able
   to take them: pins, rare languages; then members of keep-apart groups, so that each
   seeds a team of their own; then the fewest open hosts); keep-together groups (and
   colleagues under a hard 'together' policy) move as one unit;
3. add members one by one, preferring whoever brings a *new country* to the team, then
   whoever is not a colleague of a member (soft 'apart' policy), then the best summed
   value at a host still open to everyone in the team; keep-apart pairs (and colleagues
   under a hard 'apart' policy) are never put together;
4. send the team to the *best remaining host* by the members' summed fit and wish value
   (+ the host-spread weight for a host the cohort has not visited yet) among hosts with
   room for it on every internship day and under its season cap;
5. a team that cannot reach the minimum size may grow past its planned size; if it still
   falls short, its members top up other teams of the cohort where room allows.

Every hard rule is respected by construction; when the coordinator gets stuck (no host
left for a team, a team that cannot reach the minimum size, a hard country-mix breach)
the peer gives up and returns status ``unknown`` with the reason: a failure in the
benchmark. It never backtracks, so it is fast and its quality is what a single pass gets.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from icld_match import Allocation, Problem, Status, Team

from .common import BoolMatrix, FloatMatrix, Pairs, build_teams, internship_days


class _Stuck(Exception):
    """The coordinator cannot continue; the message says why."""


def greedy(problem: Problem) -> Allocation:
    """Plan every cohort with the coordinator heuristic; see the module docstring."""
    started = time.perf_counter()
    try:
        teams = _Coordinator(problem).plan()
    except _Stuck as stuck:
        return Allocation(
            status=Status.UNKNOWN,
            reasons=[f"greedy coordinator got stuck: {stuck}"],
            wall_time=time.perf_counter() - started,
            strategy="greedy",
        )
    return Allocation(
        status=Status.FEASIBLE,
        teams=teams,
        wall_time=time.perf_counter() - started,
        strategy="greedy",
    )


def even_sizes(n: int, low: int, high: int) -> list[int]:
    """As few teams as ``high`` allows, sizes as even as possible; [] if no split exists."""
    k = math.ceil(n / high)
    if k * low > n:
        return []
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


class _Units:
    """Union-find of participants who must travel together."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, members: list[int]) -> None:
        for m in members[1:]:
            self.parent[self.find(m)] = self.find(members[0])


@dataclass
class _Team:
    host: int
    units: list[int]
    size: int


@dataclass
class _CohortPlan:
    """One cohort being planned: its units (who travel together) and its teams so far."""

    cohort_id: str
    low: int
    high: int
    days: list[int]
    units: list[list[int]]
    unit_open: BoolMatrix  # unit x host: open to every member
    unit_value: FloatMatrix  # unit x host: summed fit and wish value
    countries: list[set[int]]
    orgs: list[set[int]]
    hard_mix: bool
    sizes: list[int]
    has_apart: list[bool]
    apart: dict[int, set[int]]
    remaining: set[int]
    visited: set[int] = field(default_factory=set)
    formed: list[_Team] = field(default_factory=list)

    def clash(self, u: int, team: list[int]) -> bool:
        members = {r for t in team for r in self.units[t]}
        return any(self.apart[r] & members for r in self.units[u])


@dataclass
class _Forming:
    """The team being formed: its units and what they share."""

    units: list[int]
    size: int
    open_hosts: BoolMatrix
    value: FloatMatrix
    countries: set[int]
    orgs: set[int]

    def add(self, k: _CohortPlan, u: int, room: BoolMatrix) -> None:
        """Add unit ``u``; ``room``: hosts with room for the grown team."""
        self.units.append(u)
        self.size += k.sizes[u]
        self.open_hosts &= k.unit_open[u] & room
        self.value += k.unit_value[u]
        self.countries |= k.countries[u]
        self.orgs |= k.orgs[u]


class _Coordinator:
    """Capacity book-keeping over all cohorts, and the per-cohort team forming."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.pairs = pairs = Pairs.build(problem)
        self.value = pairs.pair_value()
        _, self.cohort_days = internship_days(problem)
        n_days = max((d for days in self.cohort_days for d in days), default=-1) + 1
        hosts = problem.hosts
        self.teams_on = np.zeros((len(hosts), n_days), dtype=np.int64)
        self.people_on = np.zeros((len(hosts), n_days), dtype=np.int64)
        self.season_used = np.zeros(len(hosts), dtype=np.int64)
        self.max_teams = np.asarray([h.capacity.max_teams for h in hosts])
        self.max_people = np.asarray([h.capacity.max_participants for h in hosts])
        self.season_cap = np.asarray(
            [10**9 if h.season_max_teams is None else h.season_max_teams for h in hosts]
        )
        rules = problem.rules
        self.units = _Units(len(problem.participants))
        for together in problem.keep_together:
            self.units.union([pairs.row_of[m] for m in together.members])
        colleagues: dict[tuple[int, int], list[int]] = defaultdict(list)
        for r in range(len(problem.participants)):
            if pairs.organisation_of[r] >= 0:
                colleagues[int(pairs.cohort_of[r]), int(pairs.organisation_of[r])].append(r)
        hard_org = rules.organisation_strictness == "hard"
        if hard_org and rules.organisation == "together":
            for group in colleagues.values():
                self.units.union(group)
        apart_groups = [[pairs.row_of[m] for m in g.members] for g in problem.keep_apart]
        if hard_org and rules.organisation == "apart":
            apart_groups += list(colleagues.values())
        self.apart: dict[int, set[int]] = defaultdict(set)
        for g in apart_groups:
            for a in g:
                self.apart[a].update(b for b in g if b != a)
        self.soft_apart = rules.organisation == "apart" and not hard_org
        self.out: list[tuple[int, int, list[int]]] = []  # (cohort, host, member rows)

    def plan(self) -> list[Team]:
        problem, cohorts = self.problem, self.problem.cohorts
        # Pins are promises made before planning: hold one team place at each pinned host
        # for the pinned participant's cohort until that cohort is planned.
        reserved: dict[int, set[int]] = defaultdict(set)
        for pin in problem.pins:
            c = int(self.pairs.cohort_of[self.pairs.row_of[pin.participant]])
            host = self.pairs.host_of[pin.host]
            if host not in reserved[c]:
                reserved[c].add(host)
                self._book(host, self.cohort_days[c], cohorts[c].team_size.min, 1)
        for c in sorted(range(len(cohorts)), key=lambda c: (cohorts[c].internship.start, c)):
            for host in reserved[c]:
                self._book(host, self.cohort_days[c], -cohorts[c].team_size.min, -1)
            if self.pairs.members[c]:
                self._plan_cohort(c)
        return self._teams()

    # ---------------------------------------------------------------- capacity

    def _room(self, days: list[int], size: int, teams: int = 1) -> BoolMatrix:
        """Hosts that can take ``teams`` more teams with ``size`` more people on ``days``."""
        ok: BoolMatrix = (
            (self.teams_on[:, days] + teams <= self.max_teams[:, None]).all(axis=1)
            & (self.people_on[:, days] + size <= self.max_people[:, None]).all(axis=1)
            & (self.season_used + teams <= self.season_cap)
        )
        return ok

    def _book(self, host: int, days: list[int], size: int, teams: int) -> None:
        self.teams_on[host, days] += teams
        self.people_on[host, days] += size
        self.season_used[host] += teams

    # ---------------------------------------------------------------- one cohort

    def _plan_cohort(self, c: int) -> None:
        k = self._cohort_units(c)
        while k.remaining:
            self._form_team(k)
        for t in k.formed:
            self.out.append((c, t.host, [r for u in t.units for r in k.units[u]]))

    def _cohort_units(self, c: int) -> _CohortPlan:
        """The cohort's units (who travel together) and what each brings; stuck if unsplittable."""
        pairs = self.pairs
        cohort = self.problem.cohorts[c]
        rows = pairs.members[c]
        low, high = cohort.team_size.min, cohort.team_size.max
        grouped: dict[int, list[int]] = defaultdict(list)
        for r in rows:
            grouped[self.units.find(r)].append(r)
        units = list(grouped.values())
        if not even_sizes(len(rows), low, high):
            raise _Stuck(f"cohort {cohort.id} cannot be split into teams of {low}-{high}")
        if any(self.apart[r] & set(u) for u in units for r in u):
            raise _Stuck(f"cohort {cohort.id} has people who must be together and apart")
        if any(len(u) > high for u in units):
            raise _Stuck(f"a keep-together group of cohort {cohort.id} exceeds {high} members")
        countries = [{int(pairs.country_of[r]) for r in u} for u in units]
        hard_mix = self.problem.rules.mixed_countries == "hard" and len(set().union(*countries)) > 1
        return _CohortPlan(
            cohort_id=cohort.id,
            low=low,
            high=high,
            days=self.cohort_days[c],
            units=units,
            unit_open=np.stack([pairs.allowed[u].all(axis=0) for u in units]),
            unit_value=np.stack([self.value[u].sum(axis=0) for u in units]),
            countries=countries,
            orgs=[{int(pairs.organisation_of[r]) for r in u} - {-1} for u in units],
            hard_mix=hard_mix,
            sizes=[len(u) for u in units],
            has_apart=[any(self.apart[r] for r in u) for u in units],
            apart=self.apart,
            remaining=set(range(len(units))),
        )

    def _form_team(self, k: _CohortPlan) -> None:
        """Form the cohort's next team and send it to a host (or top up formed teams)."""
        left = sum(k.sizes[u] for u in k.remaining)
        # the next team's size: the largest of an even split of who is left (re-planned
        # after every team, since a team may end up smaller than planned)
        split = even_sizes(left, k.low, k.high)
        target = split[0] if split else min(k.high, max(k.low, left))
        team = self._seed_team(k)
        limit = target
        while team.size < limit:
            pick = self._best_addition(k, team, limit)
            if pick < 0 and team.size < k.low and limit < k.high:
                limit = k.high  # a short team may grow beyond its planned size
                continue
            if pick < 0:
                break
            team.add(k, pick, self._room(k.days, max(team.size + k.sizes[pick], k.low)))
        k.remaining.difference_update(team.units)
        if team.size < k.low:  # the leftovers join teams already formed, where room allows
            for u in team.units:
                self._top_up(
                    u, k.units, k.unit_open, k.unit_value, k.formed, k.high, k.days, k.clash
                )
            return
        self._send(k, team)

    def _seed_team(self, k: _CohortPlan) -> _Forming:
        """Start a team with the most constrained unit left; stuck if it has no host."""
        options = {
            u: int((k.unit_open[u] & self._room(k.days, max(k.sizes[u], k.low))).sum())
            for u in k.remaining
        }
        # most constrained first: few hosts left, then keep-apart members (each seeds
        # its own team, so they end up apart), then big units
        seed = min(
            k.remaining,
            key=lambda u: (min(options[u], 4), not k.has_apart[u], options[u], -k.sizes[u], u),
        )
        if options[seed] == 0:
            who = ", ".join(self.problem.participants[r].id for r in k.units[seed])
            raise _Stuck(f"no host left for {who} of cohort {k.cohort_id}")
        size = k.sizes[seed]
        return _Forming(
            units=[seed],
            size=size,
            open_hosts=k.unit_open[seed] & self._room(k.days, max(size, k.low)),
            value=k.unit_value[seed].copy(),
            countries=set(k.countries[seed]),
            orgs=set(k.orgs[seed]),
        )

    def _best_addition(self, k: _CohortPlan, team: _Forming, limit: int) -> int:
        """The unit to add next (new country, then no colleague, then value); -1 if none."""
        best: tuple[float, ...] | None = None
        pick = -1
        size = team.size
        for u in sorted(k.remaining.difference(team.units)):
            if size + k.sizes[u] > limit or k.clash(u, team.units):
                continue
            common = (
                team.open_hosts & k.unit_open[u] & self._room(k.days, max(size + k.sizes[u], k.low))
            )
            if not common.any():
                continue
            fit = float(np.max(np.where(common, team.value + k.unit_value[u], -np.inf)))
            new = len(k.countries[u] - team.countries)
            same_org = len(k.orgs[u] & team.orgs) if self.soft_apart else 0
            key = (new, -same_org, fit)
            if best is None or key > best:
                best, pick = key, u
        return pick

    def _send(self, k: _CohortPlan, team: _Forming) -> None:
        """Send a full team to the best host with room (host spread bonus); or get stuck."""
        problem, size = self.problem, team.size
        if k.hard_mix and len(team.countries) < 2:
            raise _Stuck(f"a team of cohort {k.cohort_id} would come from one country only")
        candidates = team.open_hosts & self._room(k.days, size)
        if not candidates.any():
            raise _Stuck(f"no host has room for a team of {size} of cohort {k.cohort_id}")
        bonus = np.full(len(problem.hosts), problem.weights.host_spread)
        bonus[list(k.visited)] = 0.0
        host = int(np.argmax(np.where(candidates, team.value + bonus, -np.inf)))
        self._book(host, k.days, size, 1)
        k.visited.add(host)
        k.formed.append(_Team(host, team.units, size))

    def _top_up(
        self,
        u: int,
        units: list[list[int]],
        unit_open: BoolMatrix,
        unit_value: FloatMatrix,
        formed: list[_Team],
        high: int,
        days: list[int],
        clash: Callable[[int, list[int]], bool],
    ) -> None:
        """Put a leftover unit in the best formed team with room for it, or get stuck."""
        size = len(units[u])
        room = self._room(days, size, teams=0)
        fits = [
            t
            for t in formed
            if t.size + size <= high
            and unit_open[u, t.host]
            and room[t.host]
            and not clash(u, t.units)
        ]
        if not fits:
            who = ", ".join(self.problem.participants[r].id for r in units[u])
            raise _Stuck(f"no team has room left for {who}")
        best = max(fits, key=lambda t: (float(unit_value[u, t.host]), -t.size))
        best.units.append(u)
        best.size += size
        self._book(best.host, days, size, 0)

    # ---------------------------------------------------------------- output

    def _teams(self) -> list[Team]:
        return build_teams(self.problem, self.pairs.fit, self.out)
