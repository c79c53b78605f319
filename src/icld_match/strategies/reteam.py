"""Change how many teams a cohort has: open a new team, or close one.

Why: the greedy plan fills teams to the largest size, while the best plans often use
more, smaller teams at more hosts (each member nearer their best host, one more host in
the cohort's spread), and sometimes one team fewer. Swaps, shifts and team moves keep the
number of teams, so they cannot get there; an exact re-solve of the cohort can, but
costs a tenth of a second.

* **Open** (:class:`Opening`): a cohort's candidate members for host h are those whose
  team can lose them and stay within team sizes; their gains are ranked, the best few
  are tried in every group of the smallest team size, and the exact gain of the best
  group (per-pair values, the countries and colleagues of the new team and of the teams
  they leave, the team's own cost, host spread and season spread) decides.
* **Close** (:func:`close_teams`): each member of a team joins, in turn, the other team
  that gains most and has a place (team size, the host's room, the member's rules); the
  team's own terms go. Undone unless the total gains.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .polish import CohortTeams

#: Members with the best single gains tried per host (groups are drawn from these).
CANDIDATES = 6

#: Least gain (objective units) for which a team is opened. A new team takes a team
#: place at its host that other cohorts may need later (decompose re-plans one cohort
#: against the others' places); openings of a hair's gain cost more there than they bring.
#: Measured (2026-11-29): with any positive gain the bundled season example at 30 s
#: ended at 162.356 (164.234 with no openings), with 0.1 at 164.114 and 164.206 (two
#: runs); `season` at 1 s, 1 worker, stayed within the run-to-run spread (98.3-98.9 % of
#: the optima with and without the margin).
OPEN_MARGIN = 0.1

#: A new team: (gain, host, [(team it leaves, member), ...]).
Found = tuple[float, int, list[tuple[int, int]]]


def _keys_lost(counts: dict[int, int], leaving: Counter[int]) -> int:
    """Countries a team no longer has once ``leaving`` (members per country) leave."""
    return sum(1 for key, n in leaving.items() if counts.get(key, 0) == n)


def _extra_lost(counts: dict[int, int], leaving: Counter[int]) -> int:
    """Members beyond the first of each organisation that the team loses."""
    return sum(
        max(0, counts.get(o, 0) - 1) - max(0, counts.get(o, 0) - n - 1)
        for o, n in leaving.items()
        if o >= 0
    )


class Opening:
    """The best new team a cohort could open, and its exact gain."""

    def __init__(self, teams: CohortTeams, in_use: np.ndarray) -> None:
        self.teams, self.in_use = teams, in_use
        rules = teams.rules
        assert teams.shifts is not None
        self.cohort, self.load = teams.shifts
        self.size = rules.index.problem.cohorts[self.cohort].team_size
        weights = rules.index.problem.weights
        self.host_spread, self.season_spread = weights.host_spread, weights.season_spread
        self.fixed = self._fixed()

    def _fixed(self) -> np.ndarray:
        """Per host, what a new team there adds whoever its members: its own cost (travel,
        host relief), one more host for the cohort, one more for the season."""
        c, load, index = self.cohort, self.load, self.teams.rules.index
        fixed = index.team_value[c] + self.host_spread * (load.teams[c] == 0)
        spread: np.ndarray = fixed + self.season_spread * ((load.season == 0) & ~self.in_use)
        return spread

    def gain(self, h: int, group: list[tuple[int, int]]) -> float:
        """Exact objective change if the (team, member) pairs of ``group`` form a new
        team at host h."""
        teams, rules = self.teams, self.teams.rules
        index = rules.index
        members = [p for _, p in group]
        value = float(index.pair_value[members, h].sum())
        value -= sum(float(index.pair_value[p, teams.hosts[t]]) for t, p in group)
        countries = [rules.country[p] for p in members]
        orgs = [rules.org[p] for p in members if rules.org[p] >= 0]
        value += rules.mix * (len(set(countries)) - 1)
        value -= rules.org_weight * (len(orgs) - len(set(orgs)))
        for t in {t for t, _ in group}:
            leaving = [p for u, p in group if u == t]
            lost = _keys_lost(teams.countries[t], Counter(rules.country[p] for p in leaving))
            value -= rules.mix * lost
            value += rules.org_weight * _extra_lost(
                teams.orgs[t], Counter(rules.org[p] for p in leaving)
            )
        return value + float(self.fixed[h])

    def allowed(self, h: int, group: list[tuple[int, int]]) -> bool:
        """Hard rules of the new team and of the teams it takes members from."""
        teams, rules = self.teams, self.teams.rules
        members = [p for _, p in group]
        spare = Counter(t for t, _ in group)
        if any(len(teams.members[t]) - n < self.size.min for t, n in spare.items()):
            return False
        if any(rules.apart[p] & set(members) for p in members):
            return False
        orgs = [rules.org[p] for p in members if rules.org[p] >= 0]
        if rules.hard_org and len(orgs) != len(set(orgs)):
            return False
        if not rules.hard_mix:
            return True
        if len({rules.country[p] for p in members}) < 2:
            return False
        return all(
            len({rules.country[m] for m in teams.members[t] if m not in members}) >= 2
            for t in spare
        )

    def candidates(self, movable: set[int]) -> list[tuple[int, int]]:
        """(team, member) pairs whose team could lose one member."""
        teams = self.teams
        return [
            (t, p)
            for t, ms in enumerate(teams.members)
            if len(ms) > self.size.min
            for p in ms
            if p in movable
        ]

    def best(self, movable: set[int]) -> Found | None:
        """The best gaining (gain, host, group), or None.

        Each candidate's single gain at each host counts its own leaving (countries and
        colleagues of its team); their sum plus the new team's terms is the exact gain
        of a group from distinct teams and an upper bound otherwise (see ``gain``).
        """
        pool = self.candidates(movable)
        k = self.size.min
        if len(pool) < k:
            return None
        teams, index = self.teams, self.teams.rules.index
        rows = np.array([p for _, p in pool])
        now = np.array(
            [index.pair_value[p, teams.hosts[t]] - teams.leave_effect(t, p) for t, p in pool]
        )
        delta = np.where(index.allowed[rows], index.pair_value[rows] - now[:, None], -np.inf)
        self.fixed = self._fixed()
        top = np.sort(delta, axis=0)[::-1][:k].sum(axis=0)
        most = self.teams.rules.mix * (k - 1)  # the new team's countries
        room = self.load.room_for_team(self.cohort, k)
        ceiling = np.where(room, top + self.fixed + most, -np.inf)
        found: Found | None = None
        for h in np.argsort(-ceiling, kind="stable"):
            if ceiling[h] <= (found[0] if found else OPEN_MARGIN):
                break
            found = self._best_at(int(h), pool, delta[:, h], found)
        return found

    def _best_at(
        self, h: int, pool: list[tuple[int, int]], delta: np.ndarray, found: Found | None
    ) -> Found | None:
        """``found`` or a better group of the best few candidates at host h."""
        rules, k = self.teams.rules, self.size.min
        order = [int(i) for i in np.argsort(-delta, kind="stable")[:CANDIDATES]]
        for group in combinations([i for i in order if delta[i] > -np.inf], k):
            chosen = [pool[i] for i in group]
            members = [p for _, p in chosen]
            orgs = [rules.org[p] for p in members if rules.org[p] >= 0]
            ceiling = float(sum(delta[i] for i in group)) + self.fixed[h]
            ceiling += rules.mix * (len({rules.country[p] for p in members}) - 1)
            ceiling -= rules.org_weight * (len(orgs) - len(set(orgs)))
            if ceiling <= (found[0] if found else OPEN_MARGIN):
                continue
            distinct = len({t for t, _ in chosen}) == k
            value = ceiling if distinct else self.gain(h, chosen)
            if value > (found[0] if found else OPEN_MARGIN) and self.allowed(h, chosen):
                found = (value, h, chosen)
        return found


def open_teams(teams: CohortTeams, movable: set[int], in_use: np.ndarray) -> bool:
    """Open gaining new teams, one at a time, while one gains; True if any was opened."""
    if teams.shifts is None:
        return False
    opening = Opening(teams, in_use)
    opened = False
    while (best := opening.best(movable)) is not None:
        _, h, group = best
        teams.open(h, group)
        opened = True
    return opened


def close_teams(teams: CohortTeams, movable: set[int], in_use: np.ndarray) -> bool:
    """Close gaining teams, one at a time, while one gains; True if any was closed."""
    if teams.shifts is None:
        return False
    closing = Closing(teams, in_use)
    closed = False
    t = 0
    while t < len(teams.members):
        gain = closing.attempt(t, movable)
        if gain is not None and gain > 1e-9:
            closing.finish(t)
            closed = True
        else:
            if gain is not None:
                closing.undo(t)
            t += 1
    return closed


class Closing:
    """Moving every member of a team to the other teams of its cohort, then dropping it."""

    def __init__(self, teams: CohortTeams, in_use: np.ndarray) -> None:
        assert teams.shifts is not None
        self.teams, self.in_use = teams, in_use
        self.cohort, self.load = teams.shifts
        self.moved: list[tuple[int, int]] = []  # (team joined, member) of the last attempt

    def attempt(self, t: int, movable: set[int]) -> float | None:
        """Move team t's members out, each to the team it gains most by joining, and
        return the exact gain of closing t (the empty team still listed: ``finish`` or
        ``undo`` next); None, with nothing changed, when some member has no place."""
        teams = self.teams
        members = list(teams.members[t])
        if len(teams.members) < 2 or not set(members) <= movable:
            return None
        gain = self._team_terms(t)
        self.moved = []
        for p in members:
            target = _best_target(teams, t, p)
            if target is None:
                self.undo(t)
                return None
            b, value = target
            gain += value
            teams.shift(t, b, p)
            self.moved.append((b, p))
        return gain

    def _team_terms(self, t: int) -> float:
        """What team t itself adds and its closing takes away: its own cost, host spread,
        season spread, its countries and its colleagues."""
        teams, rules = self.teams, self.teams.rules
        h, c, load = teams.hosts[t], self.cohort, self.load
        weights = rules.index.problem.weights
        gain = -float(rules.index.team_value[c, h])
        gain -= weights.host_spread * float(load.teams[c, h] == 1)
        gain -= weights.season_spread * float(load.season[h] == 1 and not self.in_use[h])
        gain -= rules.mix * (sum(1 for n in teams.countries[t].values() if n > 0) - 1)
        return gain + rules.org_weight * sum(max(0, n - 1) for n in teams.orgs[t].values())

    def undo(self, t: int) -> None:
        """Every member of the last attempt back in team t."""
        for b, p in reversed(self.moved):
            self.teams.shift(b, t, p)
        self.moved = []

    def finish(self, t: int) -> None:
        """Drop the emptied team t."""
        self.teams.drop(t)
        self.moved = []


def _best_target(teams: CohortTeams, t: int, p: int) -> tuple[int, float] | None:
    """The other team p gains most by joining (pair value and the team's countries and
    colleagues; p's old team is being closed), and that gain; None if none has room."""
    here = float(teams.value.item(p, teams.hosts[t]))
    best: tuple[int, float] | None = None
    for b in range(len(teams.members)):
        if b == t:
            continue
        gain = teams.join_gain(b, p) - here
        if (best is None or gain > best[1]) and teams.may_join(b, p, teams.hosts[t]):
            best = (b, gain)
    return best
