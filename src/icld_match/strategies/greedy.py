"""A coordinator's greedy plan: place teams one by one at the best host that still has room.

Used as the warm start and shortlist anchor for large instances (the benchmarks' greedy
peer is a separate implementation, on purpose). It never breaks a hard rule knowingly,
and its answer is passed through the independent checker: ``None`` means it did not find
a valid plan.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..analysis.check import Violation, check
from ..engine.clock import Deadline
from ..index.problem_index import ProblemIndex
from ..records.catalogue import VISIT_RULES
from ..records.result import Allocation, Status

#: Units with at most this many open hosts are placed before all others, in every cohort.
_SCARCE = 3
#: Bonus for a team member from a country the team does not have yet, when the problem
#: does not reward country mix itself (it helps a hard mixing rule hold).
_NEW_COUNTRY_BONUS = 0.25
#: Hosts per unit among which the best team is looked for (the rest stay reachable by
#: the unit-by-unit rule): keeps a step cheap at 2,000 hosts.
_TEAM_HOSTS = 8


class _Load:
    """Teams and people each host has taken, per set of overlapping cohorts and per season,
    as arrays so that every host's room for a cohort is one vectorised expression."""

    def __init__(self, index: ProblemIndex) -> None:
        hosts, groups = index.problem.hosts, len(index.concurrent_cohorts)
        self.max_teams, self.max_people, self.season_cap = index.host_limits
        self.teams = np.zeros((groups, len(hosts)), dtype=np.int64)
        self.people = np.zeros_like(self.teams)
        self.season = np.zeros(len(hosts), dtype=np.int64)


class _Purse:
    """Travel spent per cohort and over the season (whole öre) against the budgets."""

    def __init__(self, index: ProblemIndex) -> None:
        problem = index.problem
        self.cost = index.travel_units
        self.limit, self.season_limit = index.budget_limits
        self.spent = np.zeros(len(problem.cohorts), dtype=np.int64)
        open_to = [index.allowed[index.members(c)].any(axis=0) for c in range(len(problem.cohorts))]
        self.cheapest = np.array(
            [
                int(self.cost[c][hosts].min()) if hosts.any() else 0
                for c, hosts in enumerate(open_to)
            ],
            dtype=np.int64,
        )
        self.largest = np.array([c.team_size.max for c in problem.cohorts], dtype=np.int64)
        #: People of each cohort not yet in a team (set while the cohort is planned).
        self.waiting = np.zeros(len(problem.cohorts), dtype=np.int64)

    def affordable(self, cohort: int, hosts: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Which of ``hosts`` one more team of the cohort can still travel to, keeping
        enough for the fewest further teams the cohort needs at its cheapest host."""
        after = -(
            -max(0, int(self.waiting[cohort] - self.largest[cohort])) // int(self.largest[cohort])
        )
        cost = self.cost[cohort, hosts] + after * int(self.cheapest[cohort])
        fits: npt.NDArray[np.bool_] = (self.spent[cohort] + cost <= self.limit[cohort]) & (
            int(self.spent.sum()) + cost <= self.season_limit
        )
        return fits

    def pay(self, cohort: int, host: int, teams: int) -> None:
        self.spent[cohort] += teams * int(self.cost[cohort, host])


class _Planner:
    def __init__(
        self,
        index: ProblemIndex,
        *,
        skip_stuck: bool = False,
        deadline: Deadline | None = None,
        best_team_first: bool = True,
    ) -> None:
        self.index = index
        self.deadline = deadline
        self.skip_stuck = skip_stuck  # relaxed mode: leave a unit unplaced instead of failing
        self.problem = index.problem
        self.load = _Load(index)
        self.purse = _Purse(index)
        self.apart = index.kept_apart
        self.group_rows = {c: np.array(g, dtype=np.int64) for c, g in enumerate(index.groups_of)}
        self.teams: list[tuple[int, int, list[int]]] = []
        self.value = index.pair_value + index.team_share
        self.left: dict[int, list[list[int]]] = {}
        self.grouped: set[int] = set()  # participants in a keep-together unit
        rules, weights = self.problem.rules, self.problem.weights
        # a team's members are chosen by the terms a team's make-up changes, at their weights
        mixed = rules.mixed_countries != "off"
        self.country_bonus = weights.country_mix if mixed else _NEW_COUNTRY_BONUS
        self.org_penalty = weights.organisation if rules.organisation == "apart" else 0.0
        self.best_team_first = best_team_first
        self.team_hosts: dict[int, npt.NDArray[np.int64]] = {}

    def room(self, cohort: int, host: int) -> tuple[int, int]:
        """(teams, people) the host can still take for this cohort."""
        load, groups = self.load, self.group_rows[cohort]
        teams = int(load.max_teams[host] - load.teams[groups, host].max())
        people = int(load.max_people[host] - load.people[groups, host].max())
        return min(teams, int(load.season_cap[host] - load.season[host])), people

    def rooms(
        self, cohort: int, hosts: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(teams, people) each of ``hosts`` can still take for this cohort."""
        load, groups = self.load, self.group_rows[cohort]
        teams = load.max_teams[hosts] - load.teams[groups][:, hosts].max(axis=0)
        people = load.max_people[hosts] - load.people[groups][:, hosts].max(axis=0)
        teams = np.minimum(teams, load.season_cap[hosts] - load.season[hosts])
        return teams, people

    def take(self, cohort: int, host: int, teams: int, people: int) -> None:
        groups = self.group_rows[cohort]
        self.load.teams[groups, host] += teams
        self.load.people[groups, host] += people
        self.load.season[host] += teams
        self.purse.pay(cohort, host, teams)

    def affordable(self, cohort: int, host: int) -> bool:
        return bool(self.purse.affordable(cohort, np.array([host]))[0])

    def fits_team(self, team: list[int], unit: list[int]) -> bool:
        if any(q in self.apart[p] for p in unit for q in team):
            return False
        rules = self.problem.rules
        if rules.organisation == "apart" and rules.organisation_strictness == "hard":
            orgs = {int(self.index.organisation_of[p]) for p in team} - {-1}
            if any(int(self.index.organisation_of[p]) in orgs for p in unit):
                return False
        return True

    def plan_cohort(self, cohort: int, scarce: int | None = None) -> bool:
        """Place the cohort's units, most constrained first; with ``scarce``, only units
        with at most that many open hosts (so that all cohorts claim rare hosts first)."""
        index, size, value = self.index, self.problem.cohorts[cohort].team_size, self.value
        if cohort not in self.left:
            units = index.units(cohort)
            if not all(self._unit_ok(u, size.max) for u in units):
                return False  # a keep-together unit that no team can hold
            self.grouped.update(p for u in units if len(u) > 1 for p in u)
            self.left[cohort] = sorted(units, key=lambda u: len(self.open_hosts(u)))
        left = self.left[cohort]
        while left:
            if self.deadline is not None and self.deadline.expired():
                return False  # out of time: no plan rather than a late one
            if scarce is not None and len(self.open_hosts(left[0])) > scarce:
                break
            # aim for balanced teams: as few as the maximum size allows, evenly filled
            remaining = sum(len(u) for u in left)
            self.purse.waiting[cohort] = remaining
            target = -(-remaining // -(-remaining // size.max))
            high = min(size.max, target)
            if scarce is None and self.best_team_first and self._best_team(cohort, left, high):
                continue
            unit = left.pop(0)
            hosts = self.open_hosts(unit)
            ranked = hosts[np.argsort(-value[unit][:, hosts].sum(axis=0), kind="stable")]
            teams_room, people_room = self.rooms(cohort, ranked)
            room = (teams_room >= 1) & (people_room >= len(unit))  # as _fill would
            ranked = ranked[room & self.purse.affordable(cohort, ranked)]
            for h in ranked:
                team = self._fill(cohort, int(h), unit, left, size.min, min(size.max, target))
                if team is not None:
                    break
            else:
                if not (self._join_existing(cohort, unit) or self._split_existing(cohort, unit)):
                    if self.skip_stuck:
                        continue
                    return False
        return True

    def _best_team(self, cohort: int, left: list[list[int]], high: int) -> bool:
        """Form the most valuable team any host can take now (the best ``high`` units'
        values there), led by its best unit; False when none forms."""
        hosts = self._team_hosts(cohort)
        teams_room, people_room = self.rooms(cohort, hosts)
        low = self.problem.cohorts[cohort].team_size.min
        usable = (teams_room >= 1) & (people_room >= low) & self.purse.affordable(cohort, hosts)
        if not usable.any():
            return False
        allowed = self.index.allowed
        values = np.array([self.value[u][:, hosts].sum(axis=0) for u in left])
        open_ = np.array([allowed[u][:, hosts].all(axis=0) for u in left]) & usable
        values = np.where(open_, values, -np.inf)
        top = -np.sort(-values, axis=0)[: min(high, len(left))]
        score = np.where(np.isfinite(top), top, 0.0).sum(axis=0)
        enough = open_.sum(axis=0) >= min(low, len(left))
        score = np.where(usable & enough, score, -np.inf)
        for column in np.argsort(-score, kind="stable")[:3]:
            if not np.isfinite(score[column]):
                return False
            i = int(np.argmax(values[:, column]))
            unit = left.pop(i)
            if self._fill(cohort, int(hosts[column]), unit, left, low, high) is not None:
                return True
            left.insert(i, unit)
        return False

    def _team_hosts(self, cohort: int) -> npt.NDArray[np.int64]:
        """Each member's _TEAM_HOSTS most valuable open hosts, for the whole cohort."""
        if cohort not in self.team_hosts:
            members = self.index.members(cohort)
            value = np.where(self.index.allowed[members], self.value[members], -np.inf)
            best = np.argsort(-value, axis=1, kind="stable")[:, :_TEAM_HOSTS]
            rows = np.arange(len(members))[:, None]
            kept = best[np.isfinite(value[rows, best])]
            self.team_hosts[cohort] = np.unique(kept).astype(np.int64)
        return self.team_hosts[cohort]

    def _unit_ok(self, unit: list[int], largest: int) -> bool:
        """A unit fits one team: not above the maximum size, no pair kept apart."""
        pairs = ((p, q) for i, p in enumerate(unit) for q in unit[i + 1 :])
        return len(unit) <= largest and all(self.fits_team([p], [q]) for p, q in pairs)

    def open_hosts(self, unit: list[int]) -> npt.NDArray[np.int64]:
        return np.flatnonzero(np.logical_and.reduce(self.index.allowed[unit]))

    def _fill(
        self, cohort: int, host: int, unit: list[int], left: list[list[int]], low: int, high: int
    ) -> list[int] | None:
        teams_room, people_room = self.room(cohort, host)
        limit = min(high, people_room)
        if teams_room < 1 or len(unit) > limit or not self.affordable(cohort, host):
            return None
        index = self.index
        team = list(unit)
        chosen: list[list[int]] = []
        # scalar look-ups in one host's column: far cheaper than a numpy call per unit
        column = index.allowed[:, host]
        candidates = [u for u in left if all(column[p] for p in u)]
        if len(team) + sum(len(u) for u in candidates) < low:
            return None  # not enough people left who may go there
        # per candidate unit: its value at this host and its countries, computed once
        value = self.value[:, host]
        base = [float(value[u].sum()) for u in candidates]
        countries = [{int(index.country_of[p]) for p in u} for u in candidates]
        open_ = set(range(len(candidates)))
        while len(team) < limit:
            present = {int(index.country_of[p]) for p in team}
            fitting = [
                i
                for i in sorted(open_)
                if len(team) + len(candidates[i]) <= limit and self.fits_team(team, candidates[i])
            ]
            if not fitting:
                break
            orgs = {int(index.organisation_of[p]) for p in team} - {-1}
            best = max(
                fitting,
                key=lambda i: (
                    base[i]
                    + self.country_bonus * len(countries[i] - present)
                    - self.org_penalty
                    * sum(int(index.organisation_of[p]) in orgs for p in candidates[i])
                ),
            )
            open_.discard(best)
            chosen.append(candidates[best])
            team += candidates[best]
        if len(team) < low or not self._mixed_enough(cohort, team):
            return None
        for u in chosen:
            left.remove(u)
        self.take(cohort, host, 1, len(team))
        self.teams.append((cohort, host, team))
        return team

    def _mixed_enough(self, cohort: int, team: list[int]) -> bool:
        if self.problem.rules.mixed_countries != "hard":
            return True
        index = self.index
        if len(np.unique(index.country_of[index.members(cohort)])) < 2:
            return True
        return len({int(index.country_of[p]) for p in team}) >= 2

    def _join_existing(self, cohort: int, unit: list[int]) -> bool:
        """Put a unit that cannot start a team into an existing team with room."""
        high = self.problem.cohorts[cohort].team_size.max
        for i, (c, h, team) in enumerate(self.teams):
            if c != cohort or len(team) + len(unit) > high:
                continue
            if not self.index.allowed[unit, h].all() or not self.fits_team(team, unit):
                continue
            if self.room(cohort, h)[1] < len(unit):
                continue
            self.take(cohort, h, 0, len(unit))
            self.teams[i] = (c, h, team + unit)
            return True
        return False

    def _split_existing(self, cohort: int, unit: list[int]) -> bool:
        """Start a new team for a stranded unit with members taken from larger teams."""
        size = self.problem.cohorts[cohort].team_size
        needed = size.min - len(unit)
        own = [i for i, (c, _, _) in enumerate(self.teams) if c == cohort]
        for h in map(int, self.open_hosts(unit)):
            teams_room, people_room = self.room(cohort, h)
            if teams_room < 1 or people_room < max(size.min, len(unit)):
                continue
            if not self.affordable(cohort, h):
                continue
            new, taken = list(unit), []
            for i in own:
                spare = len(self.teams[i][2]) - size.min
                for mate in self.teams[i][2]:
                    if len(new) - len(unit) >= needed or spare <= 0:
                        break
                    if (
                        mate not in self.grouped
                        and self.index.allowed[mate, h]
                        and self.fits_team(new, [mate])
                    ):
                        new.append(mate)
                        taken.append((i, mate))
                        spare -= 1
            if len(new) < size.min or not self._mixed_enough(cohort, new):
                continue
            for i, mate in taken:
                c, old_host, team = self.teams[i]
                self.take(cohort, old_host, 0, -1)
                self.teams[i] = (c, old_host, [p for p in team if p != mate])
            self.take(cohort, h, 1, len(new))
            self.teams.append((cohort, h, new))
            return True
        return False


def greedy_allocation(
    index: ProblemIndex,
    *,
    allow_unplaced: bool = False,
    deadline: Deadline | None = None,
    verify: bool = True,
) -> Allocation | None:
    """A valid plan built team by team, or None when the greedy rule gets stuck.

    Two rules, the second only when the first gets stuck (or, in relaxed mode, leaves
    people out): the most valuable team any host can take next (strong on the objective:
    season, 81-83 % of the optimum with the unit-by-unit rule alone, 89-92 % with it),
    then the unit-by-unit rule (the unit with the fewest open hosts first, at its best
    host), which claims scarce hosts first.
    With ``allow_unplaced`` a unit that fits nowhere is left out instead (relaxed mode);
    the plan then breaks no rule other than placing everyone. It gives up (None) when
    ``deadline`` expires.
    ``verify=False`` returns the raw plan without passing it through the checker (tests
    use it to judge the greedy rule itself, before the filter).
    """
    first = _greedy(index, allow_unplaced, deadline, verify, best_team_first=True)
    everyone = index.n_participants
    if first is not None and sum(len(t.members) for t in first.teams) == everyone:
        return first
    second = _greedy(index, allow_unplaced, deadline, verify, best_team_first=False)
    if first is None or second is None:
        return first or second
    return max(first, second, key=lambda plan: sum(len(t.members) for t in plan.teams))


def _greedy(
    index: ProblemIndex,
    allow_unplaced: bool,
    deadline: Deadline | None,
    verify: bool,
    *,
    best_team_first: bool,
) -> Allocation | None:
    planner = _Planner(
        index, skip_stuck=allow_unplaced, deadline=deadline, best_team_first=best_team_first
    )
    n_cohorts = len(index.problem.cohorts)
    options = np.bincount(index.cohort_of, weights=index.allowed.sum(axis=1), minlength=n_cohorts)
    people = np.bincount(index.cohort_of, minlength=n_cohorts)
    # cohorts with the fewest open hosts per member first
    order = sorted(range(n_cohorts), key=lambda c: float(options[c]) / max(1, int(people[c])))
    # every cohort first claims hosts for its members with few options, then the rest
    if not all(planner.plan_cohort(c, scarce=_SCARCE) for c in order):
        return None
    if not all(planner.plan_cohort(c) for c in order):
        return None
    teams = index.teams(planner.teams)
    allocation = Allocation(status=Status.FEASIBLE, teams=teams, strategy="greedy")
    if not verify:
        return allocation
    broken = [v for v in check(index.problem, allocation) if not _only_unplaced(v, allow_unplaced)]
    return None if broken else allocation


def _only_unplaced(violation: Violation, allow_unplaced: bool) -> bool:
    """Breaches a teams-only plan may have: people left out in relaxed mode, and the study
    visits (planned afterwards, for the whole plan: strategies.visits)."""
    if violation.rule in VISIT_RULES:
        return True
    return allow_unplaced and violation.rule == "placement" and "is in no team" in violation.message
