"""Move a whole team to a better host that still has room: the other half of the polish.

Why: swaps (:mod:`.polish`) keep every team at its host, so a team the greedy plan sent
to a poor host stays there. Moving the team keeps its members together, so only terms of
the team's host change: the members' per-pair values, the team's own cost (travel, host
relief), host spread and season spread; each is computed exactly here. A move must keep
what a host can take (teams and people on the days its cohorts share, the season cap),
every member's pair rules (``allowed``) and the travel budgets.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..engine.clock import Deadline
from ..index.problem_index import ProblemIndex

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
#: Per cohort: the host of each team and each team's member rows (changed in place).
Teams = dict[int, tuple[list[int], list[list[int]]]]


class Load:
    """Teams and people per cohort x host, the same summed per set of cohorts in the field
    together and over the season, travel spent per cohort, and the limits. The sums are
    kept up to date move by move, so that a host's room is a few vector operations even
    at 10,000 participants (summing the cohorts each time took seconds there)."""

    def __init__(self, index: ProblemIndex, teams: Teams) -> None:
        problem = index.problem
        shape = (len(problem.cohorts), index.n_hosts)
        self.teams = np.zeros(shape, dtype=np.int64)
        self.people = np.zeros(shape, dtype=np.int64)
        for c, (hosts, members) in teams.items():
            for h, m in zip(hosts, members, strict=True):
                self.teams[c, h] += 1
                self.people[c, h] += len(m)
        self.max_teams, self.max_people, self.season_cap = index.host_limits
        groups = [sorted(g) for g in index.concurrent_cohorts]
        self.groups_of = index.groups_of
        self.group_teams = np.array([self.teams[g].sum(axis=0) for g in groups]).reshape(
            len(groups), index.n_hosts
        )
        self.group_people = np.array([self.people[g].sum(axis=0) for g in groups]).reshape(
            len(groups), index.n_hosts
        )
        self.season = self.teams.sum(axis=0)
        self.cost = index.travel_units
        self.limit, self.season_limit = index.budget_limits
        self.spent = (self.teams * self.cost).sum(axis=1)

    def room_for_team(
        self, c: int, size: int, moved_from: int | None = None
    ) -> npt.NDArray[np.bool_]:
        """Hosts that can take one more team of ``size`` people of cohort c: a new team,
        or one ``moved_from`` a host (its trip's cost comes back; that host is not
        offered)."""
        room: npt.NDArray[np.bool_] = self.season + 1 <= self.season_cap
        for g in self.groups_of[c]:
            room &= self.group_teams[g] + 1 <= self.max_teams
            room &= self.group_people[g] + size <= self.max_people
        change = self.cost[c] - (0 if moved_from is None else self.cost[c, moved_from])
        room &= self.spent[c] + change <= self.limit[c]
        room &= int(self.spent.sum()) + change <= self.season_limit
        if moved_from is not None:
            room[moved_from] = False
        return room

    def add_team(self, c: int, h: int) -> None:
        """One more (still empty) team of cohort c at host h; members follow by shifts."""
        self.teams[c, h] += 1
        self.group_teams[self.groups_of[c], h] += 1
        self.season[h] += 1
        self.spent[c] += self.cost[c, h]

    def remove_team(self, c: int, h: int) -> None:
        """One (already empty) team of cohort c at host h fewer."""
        self.teams[c, h] -= 1
        self.group_teams[self.groups_of[c], h] -= 1
        self.season[h] -= 1
        self.spent[c] -= self.cost[c, h]

    def room_for_one(self, c: int, h: int) -> bool:
        """Whether host h can take one more person of cohort c on its days."""
        return all(self.group_people[g, h] + 1 <= self.max_people[h] for g in self.groups_of[c])

    def move(self, c: int, h: int, to: int, size: int) -> None:
        """A team of ``size`` people of cohort c moves from host h to host ``to``."""
        groups = self.groups_of[c]
        for teams, step in ((self.teams, 1), (self.people, size)):
            teams[c, h] -= step
            teams[c, to] += step
        for sums, step in ((self.group_teams, 1), (self.group_people, size)):
            sums[groups, h] -= step
            sums[groups, to] += step
        self.season[h] -= 1
        self.season[to] += 1
        self.spent[c] += self.cost[c, to] - self.cost[c, h]

    def shift(self, c: int, h: int, to: int) -> None:
        """One member of cohort c changes from a team at host h to one at host ``to``."""
        groups = self.groups_of[c]
        self.people[c, h] -= 1
        self.people[c, to] += 1
        self.group_people[groups, h] -= 1
        self.group_people[groups, to] += 1


def team_gains(index: ProblemIndex, c: int, team: list[int], h: int) -> FloatArray:
    """Per host, the change in the team's per-pair values and its own cost (travel, host
    relief) if the team (cohort c) moved there from host h."""
    gain: FloatArray = index.pair_value[team].sum(axis=0) - index.pair_value[team, h].sum()
    gain += index.team_value[c] - index.team_value[c, h]
    return gain


def relocate(
    index: ProblemIndex, teams: Teams, load: Load | None = None, deadline: Deadline | None = None
) -> bool:
    """Move teams, one at a time, to the host that gains most while one gains; True if
    any moved (``teams``, and ``load`` when given, are changed in place). Stops between
    cohorts when ``deadline`` expires."""
    problem = index.problem
    weights = problem.weights
    load = Load(index, teams) if load is None else load
    in_use = index.hosts_in_use_mask()
    moved = False
    for c, (hosts, members) in sorted(teams.items()):
        if deadline is not None and deadline.expired():
            break
        for t, team in enumerate(members):
            h = hosts[t]
            gain = team_gains(index, c, team, h)
            mine = load.teams[c]
            gain += weights.host_spread * ((mine == 0).astype(float) - float(mine[h] == 1))
            everyone = load.season
            new = (everyone == 0) & ~in_use
            gain += weights.season_spread * (new - float(everyone[h] == 1 and not in_use[h]))
            usable = load.room_for_team(c, len(team), moved_from=h)
            usable &= index.allowed[team].all(axis=0)
            gain = np.where(usable, gain, -np.inf)
            best = int(np.argmax(gain))
            if gain[best] > 1e-9:
                load.move(c, h, best, len(team))
                hosts[t] = best
                moved = True
    return moved
