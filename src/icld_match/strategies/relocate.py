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

from ..index.problem_index import ProblemIndex

IntArray = npt.NDArray[np.int64]
#: Per cohort: the host of each team and each team's member rows (changed in place).
Teams = dict[int, tuple[list[int], list[list[int]]]]


class Load:
    """Teams and people per cohort x host, travel spent per cohort, and the limits."""

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
        self.groups = [sorted(g) for g in index.concurrent_cohorts]
        self.cost = index.travel_units
        self.limit, self.season_limit = index.budget_limits
        self.spent = (self.teams * self.cost).sum(axis=1)

    def open_for(self, c: int, h: int, size: int) -> npt.NDArray[np.bool_]:
        """Hosts that can take one more team of ``size`` people of cohort c, moved from h."""
        room = np.ones(len(self.max_teams), dtype=np.bool_)
        for group in self.groups:
            if c in group:
                room &= self.teams[group].sum(axis=0) + 1 <= self.max_teams
                room &= self.people[group].sum(axis=0) + size <= self.max_people
        room &= self.teams.sum(axis=0) + 1 <= self.season_cap
        change = self.cost[c] - self.cost[c, h]
        room &= self.spent[c] + change <= self.limit[c]
        room &= int(self.spent.sum()) + change <= self.season_limit
        room[h] = False
        return room

    def room_for_one(self, c: int, h: int) -> bool:
        """Whether host h can take one more person of cohort c on its days."""
        return all(
            int(self.people[group, h].sum()) + 1 <= self.max_people[h]
            for group in self.groups
            if c in group
        )

    def move(self, c: int, h: int, to: int, size: int) -> None:
        self.teams[c, h] -= 1
        self.people[c, h] -= size
        self.teams[c, to] += 1
        self.people[c, to] += size
        self.spent[c] += self.cost[c, to] - self.cost[c, h]


def relocate(index: ProblemIndex, teams: Teams, load: Load | None = None) -> bool:
    """Move teams, one at a time, to the host that gains most while one gains; True if
    any moved (``teams``, and ``load`` when given, are changed in place)."""
    problem = index.problem
    weights = problem.weights
    load = Load(index, teams) if load is None else load
    in_use = np.zeros(index.n_hosts, dtype=np.bool_)
    in_use[[index.host_pos[h] for h in problem.hosts_in_use]] = True
    moved = False
    for c, (hosts, members) in sorted(teams.items()):
        for t, team in enumerate(members):
            h = hosts[t]
            gain = index.pair_value[team].sum(axis=0) - index.pair_value[team, h].sum()
            gain += index.team_value[c] - index.team_value[c, h]
            mine = load.teams[c]
            gain += weights.host_spread * ((mine == 0).astype(float) - float(mine[h] == 1))
            everyone = load.teams.sum(axis=0)
            new = (everyone == 0) & ~in_use
            gain += weights.season_spread * (new - float(everyone[h] == 1 and not in_use[h]))
            usable = load.open_for(c, h, len(team)) & index.allowed[team].all(axis=0)
            gain = np.where(usable, gain, -np.inf)
            best = int(np.argmax(gain))
            if gain[best] > 1e-9:
                load.move(c, h, best, len(team))
                hosts[t] = best
                moved = True
    return moved
