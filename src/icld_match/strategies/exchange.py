"""Two teams exchange hosts, within a cohort or between cohorts.

Why: a team moves (:mod:`.relocate`) only to a host with room. When the host it wants is
full because another cohort's team holds it, and that team would do almost as well at
the first team's host, neither can move alone; exchanging the two hosts can gain. The
season's count at each host stays the same; what a host takes on the days of each set of
overlapping cohorts, and the travel spent, may change and are checked on the load.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..engine.clock import Deadline
from ..index.problem_index import ProblemIndex
from .relocate import Load, Teams, team_gains

FloatArray = npt.NDArray[np.float64]

#: Hosts per team (those where it gains most) whose teams it may exchange with.
HOSTS_KEPT = 8
#: Rounds of exchanges (each ends early when none was made).
ROUNDS = 3


class _Flat:
    """Every team of the plan in one list: cohort, position in its cohort, host, size."""

    def __init__(self, teams: Teams) -> None:
        self.where = [(c, t) for c, (hosts, _) in sorted(teams.items()) for t in range(len(hosts))]
        self.teams = teams

    def host(self, i: int) -> int:
        c, t = self.where[i]
        return self.teams[c][0][t]

    def members(self, i: int) -> list[int]:
        c, t = self.where[i]
        return self.teams[c][1][t]


class _Gains:
    """Each team's gain at every host (pair values and team cost), and the exact gain of
    an exchange from those and the host spread of the two cohorts."""

    def __init__(self, index: ProblemIndex, flat: _Flat, load: Load) -> None:
        self.index, self.flat, self.load = index, flat, load
        self.spread = index.problem.weights.host_spread
        self.move = np.empty((len(flat.where), index.n_hosts))
        for i in range(len(flat.where)):
            self.update(i)

    def update(self, i: int) -> None:
        """Team i's row, after it moved (-inf where a member may not go)."""
        members, h = self.flat.members(i), self.flat.host(i)
        gain = team_gains(self.index, self.flat.where[i][0], members, h)
        self.move[i] = np.where(self.index.allowed[members].all(axis=0), gain, -np.inf)

    def of(self, i: int, j: int) -> float:
        """Gain if team i takes team j's host and team j takes team i's."""
        hi, hj = self.flat.host(i), self.flat.host(j)
        if hi == hj:
            return -np.inf
        gain = float(self.move[i, hj] + self.move[j, hi])
        ci, cj = self.flat.where[i][0], self.flat.where[j][0]
        if self.spread and ci != cj:
            mine = self.load.teams
            for c, h, to in ((ci, hi, hj), (cj, hj, hi)):
                gain += self.spread * (float(mine[c, to] == 0) - float(mine[c, h] == 1))
        return gain

    def apply(self, i: int, j: int) -> bool:
        """Exchange the hosts of teams i and j if the load then fits; True if done (their
        rows then follow)."""
        if not _try(self.flat, self.load, i, j):
            return False
        self.update(i)
        self.update(j)
        return True

    def candidates(self, hosts_kept: int) -> list[tuple[float, int, int]]:
        """Gaining exchanges (gain, i, j), best first, where j's host is among the
        ``hosts_kept`` hosts at which team i gains most."""
        at: dict[int, list[int]] = {}
        for j in range(len(self.flat.where)):
            at.setdefault(self.flat.host(j), []).append(j)
        kept = min(hosts_kept, self.index.n_hosts)
        best = np.argpartition(-self.move, kept - 1, axis=1)[:, :kept]
        found = []
        for i, hosts in enumerate(best):
            for h in hosts.tolist():
                if self.move[i, h] <= -np.inf:
                    continue
                for j in at.get(h, []):
                    if j != i and (gain := self.of(i, j)) > 1e-9:
                        found.append((gain, i, j))
        found.sort(key=lambda g: -g[0])
        return found


def _fits(load: Load, cohorts: tuple[int, int], hosts: tuple[int, int]) -> bool:
    """Whether the load keeps every limit at the two hosts and every travel budget."""
    at = list(hosts)
    if (load.season[at] > load.season_cap[at]).any():
        return False
    for c in cohorts:
        for g in load.groups_of[c]:
            if (load.group_teams[g, at] > load.max_teams[at]).any():
                return False
            if (load.group_people[g, at] > load.max_people[at]).any():
                return False
        if load.spent[c] > load.limit[c]:
            return False
    return int(load.spent.sum()) <= load.season_limit


def exchange(
    index: ProblemIndex, teams: Teams, load: Load, deadline: Deadline | None = None
) -> bool:
    """Exchange hosts between pairs of teams, best gain first, while one gains and fits;
    True if any did (``teams`` and ``load`` change in place)."""
    flat = _Flat(teams)
    if len(flat.where) < 2:
        return False
    gains = _Gains(index, flat, load)
    changed = False
    for _ in range(ROUNDS):
        done = False
        for _, i, j in gains.candidates(HOSTS_KEPT):
            if deadline is not None and deadline.expired():
                return changed
            # earlier exchanges may have changed this one's gain: recomputed exactly
            if gains.of(i, j) > 1e-9 and gains.apply(i, j):
                done = changed = True
        if not done:
            break
    return changed


def _try(flat: _Flat, load: Load, i: int, j: int) -> bool:
    """Exchange the hosts of teams i and j if the load then fits; True if done."""
    (ci, ti), (cj, tj) = flat.where[i], flat.where[j]
    hi, hj = flat.host(i), flat.host(j)
    si, sj = len(flat.members(i)), len(flat.members(j))
    load.move(ci, hi, hj, si)
    load.move(cj, hj, hi, sj)
    if not _fits(load, (ci, cj), (hi, hj)):
        load.move(cj, hi, hj, sj)
        load.move(ci, hj, hi, si)
        return False
    flat.teams[ci][0][ti], flat.teams[cj][0][tj] = hj, hi
    return True
