"""A coordinator's greedy plan: place teams one by one at the best host that still has room.

Used as the warm start and shortlist anchor for large instances (the benchmarks' greedy
peer is a separate implementation, on purpose). It never breaks a hard rule knowingly,
and its answer is passed through the independent checker: ``None`` means it did not find
a valid plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..analysis.check import check
from ..index.problem_index import ProblemIndex
from ..records.result import Allocation, Status

#: Units with at most this many open hosts are placed before all others, in every cohort.
_SCARCE = 3
#: Small bonus for a team member from a country the team does not have yet.
_NEW_COUNTRY_BONUS = 0.25


@dataclass
class _Load:
    """Teams and people each host has taken, per set of overlapping cohorts and per season."""

    teams: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    people: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    season: dict[int, int] = field(default_factory=lambda: defaultdict(int))


class _Planner:
    def __init__(self, index: ProblemIndex) -> None:
        self.index = index
        self.problem = index.problem
        self.load = _Load()
        self.apart: dict[int, set[int]] = defaultdict(set)
        for group in self.problem.keep_apart:
            rows = index.participant_rows(group.members)
            for p in rows:
                self.apart[p].update(q for q in rows if q != p)
        self.groups_of = {
            c: [i for i, g in enumerate(index.concurrent_cohorts) if c in g]
            for c in range(len(self.problem.cohorts))
        }
        self.teams: list[tuple[int, int, list[int]]] = []
        self.value = index.fit + index.wish_value
        self.left: dict[int, list[list[int]]] = {}
        self.grouped: set[int] = set()  # participants in a keep-together unit

    def room(self, cohort: int, host: int) -> tuple[int, int]:
        """(teams, people) the host can still take for this cohort."""
        cap = self.problem.hosts[host].capacity
        teams = min(cap.max_teams - self.load.teams[host, g] for g in self._groups(cohort))
        people = min(cap.max_participants - self.load.people[host, g] for g in self._groups(cohort))
        season = self.problem.hosts[host].season_max_teams
        if season is not None:
            teams = min(teams, season - self.load.season[host])
        return teams, people

    def _groups(self, cohort: int) -> list[int]:
        return self.groups_of[cohort]

    def take(self, cohort: int, host: int, teams: int, people: int) -> None:
        for g in self._groups(cohort):
            self.load.teams[host, g] += teams
            self.load.people[host, g] += people
        self.load.season[host] += teams

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
            if scarce is not None and len(self.open_hosts(left[0])) > scarce:
                break
            # aim for balanced teams: as few as the maximum size allows, evenly filled
            remaining = sum(len(u) for u in left)
            target = -(-remaining // -(-remaining // size.max))
            unit = left.pop(0)
            hosts = self.open_hosts(unit)
            ranked = hosts[np.argsort(-value[unit][:, hosts].sum(axis=0), kind="stable")]
            for h in ranked:
                team = self._fill(cohort, int(h), unit, left, size.min, min(size.max, target))
                if team is not None:
                    break
            else:
                if not (self._join_existing(cohort, unit) or self._split_existing(cohort, unit)):
                    return False
        return True

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
        if teams_room < 1 or len(unit) > limit:
            return None
        index = self.index
        team = list(unit)
        chosen: list[list[int]] = []
        candidates = [u for u in left if index.allowed[u, host].all()]

        def gain(u: list[int]) -> float:
            countries = {int(index.country_of[p]) for p in team}
            new = len({int(index.country_of[p]) for p in u} - countries)
            return float((index.fit[u, host] + index.wish_value[u, host]).sum()) + (
                _NEW_COUNTRY_BONUS * new
            )

        while len(team) < limit:
            fitting = [
                u
                for u in candidates
                if u not in chosen and len(team) + len(u) <= limit and self.fits_team(team, u)
            ]
            if not fitting:
                break
            best = max(fitting, key=gain)
            chosen.append(best)
            team += best
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


def greedy_allocation(index: ProblemIndex, *, verify: bool = True) -> Allocation | None:
    """A valid plan built team by team, or None when the greedy rule gets stuck.

    ``verify=False`` returns the raw plan without passing it through the checker (tests
    use it to judge the greedy rule itself, before the filter).
    """
    planner = _Planner(index)
    order = sorted(
        range(len(index.problem.cohorts)),
        key=lambda c: int(index.allowed[index.members(c)].sum()) / max(1, len(index.members(c))),
    )
    # every cohort first claims hosts for its members with few options, then the rest
    if not all(planner.plan_cohort(c, scarce=_SCARCE) for c in order):
        return None
    if not all(planner.plan_cohort(c) for c in order):
        return None
    teams = index.teams(planner.teams)
    allocation = Allocation(status=Status.FEASIBLE, teams=teams, strategy="greedy")
    return allocation if not verify or not check(index.problem, allocation) else None
