"""Brute-force optimum for tiny problems, as an oracle for the solver's answers.

Every partition of each cohort into teams within the size bounds, and every host for
every team, is considered. The fast path prunes with cheap per-team and per-host checks
and sums precomputed objective parts; its winner is then confirmed with
:func:`icld_match.analysis.check.check` and :func:`icld_match.analysis.check.objective`, and any
disagreement raises, so a bug in the shortcuts cannot pass silently. ``brute=True``
skips every shortcut and runs the full check on each candidate (slow, but literally
the definition), which tests use to cross-check the fast path.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date

from icld_match.analysis.check import check, objective, thematic_fit
from icld_match.records.result import Allocation, Status, Team
from icld_match.records.schema import Cohort, Host, Problem

MAX_PARTICIPANTS = 8
MAX_HOSTS = 4
#: Objective values closer than this are considered equal.
TOLERANCE = 1e-9

Block = tuple[str, ...]


def partitions(items: Sequence[str], smallest: int, largest: int) -> Iterator[tuple[Block, ...]]:
    """Every split of ``items`` into blocks of ``smallest``..``largest`` elements.

    Each block starts with its first item in ``items`` order, so no split repeats.
    """
    if not items:
        yield ()
        return
    first, rest = items[0], items[1:]
    for size in range(max(smallest, 1), min(largest, len(items)) + 1):
        for mates in itertools.combinations(rest, size - 1):
            taken = set(mates)
            remaining = [x for x in rest if x not in taken]
            for tail in partitions(remaining, smallest, largest):
                yield ((first, *mates), *tail)


def build_allocation(
    problem: Problem, blocks: Sequence[tuple[str, Block]], hosts: Sequence[str]
) -> Allocation:
    """The allocation for (cohort, members) blocks sent to ``hosts``, teams T01, T02, ..."""
    cohorts = {c.id: c for c in problem.cohorts}
    teams = []
    for number, ((cohort_id, members), host_id) in enumerate(zip(blocks, hosts, strict=True), 1):
        window = cohorts[cohort_id].internship
        fits = [thematic_fit(problem, m, host_id) for m in members]
        teams.append(
            Team(
                id=f"T{number:02d}",
                cohort=cohort_id,
                host=host_id,
                members=sorted(members),
                start=window.start,
                end=window.end,
                fit=sum(fits) / len(fits),
            )
        )
    return Allocation(status=Status.FEASIBLE, teams=teams)


def best_objective(problem: Problem, *, brute: bool = False) -> float | None:
    """The highest objective over all valid allocations, or None when none is valid."""
    best = best_allocation(problem, brute=brute)
    return None if best is None else objective(problem, best)


def best_allocation(problem: Problem, *, brute: bool = False) -> Allocation | None:
    """An optimal valid allocation (the first found among equals), or None."""
    if len(problem.participants) > MAX_PARTICIPANTS or len(problem.hosts) > MAX_HOSTS:
        raise ValueError(
            f"exhaustive search is for at most {MAX_PARTICIPANTS} participants and "
            f"{MAX_HOSTS} hosts"
        )
    return _brute(problem) if brute else _Search(problem).run()


def _cohort_partitions(problem: Problem, c: Cohort) -> list[tuple[Block, ...]]:
    members = [p.id for p in problem.participants if p.cohort == c.id]
    return list(partitions(members, c.team_size.min, c.team_size.max))


def valid_allocations(problem: Problem) -> Iterator[Allocation]:
    """Every valid allocation, by the definition: each candidate is checked in full."""
    per_cohort = [
        [[(c.id, b) for b in split] for split in _cohort_partitions(problem, c)]
        for c in problem.cohorts
    ]
    host_ids = [h.id for h in problem.hosts]
    for combo in itertools.product(*per_cohort):
        blocks = [b for split in combo for b in split]
        for hosts in itertools.product(host_ids, repeat=len(blocks)):
            candidate = build_allocation(problem, blocks, hosts)
            if not check(problem, candidate):
                yield candidate


def _brute(problem: Problem) -> Allocation | None:
    """The definition, without shortcuts: check and score every candidate in full."""
    best: tuple[float, Allocation] | None = None
    for candidate in valid_allocations(problem):
        value = objective(problem, candidate)
        if best is None or value > best[0] + TOLERANCE:
            best = (value, candidate)
    return None if best is None else best[1]


class _Search:
    """Depth-first search over host choices for each partition, with incremental capacity."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.participants = {p.id: p for p in problem.participants}
        self.cohorts = {c.id: c for c in problem.cohorts}
        self.hosts = list(problem.hosts)
        self.days = {c.id: c.internship.days() for c in problem.cohorts}
        self.fit = {
            (p.id, h.id): thematic_fit(problem, p.id, h.id)
            for p in problem.participants
            for h in problem.hosts
        }
        self.pins = {pin.participant: pin.host for pin in problem.pins}
        self.cohort_countries = {
            c.id: {p.country for p in problem.participants if p.cohort == c.id}
            for c in problem.cohorts
        }
        self.options: dict[tuple[str, Block], list[tuple[Host, float]]] = {}
        self.best: tuple[float, list[tuple[str, Block]], list[str]] | None = None
        # the combination being searched: its teams, allowed hosts and optimistic rests
        self.blocks: list[tuple[str, Block]] = []
        self.choices: list[list[tuple[Host, float]]] = []
        self.rest: list[float] = []

    # ---- cheap rules on one team, independent of its host ----------------------------

    def _block_ok(self, cohort_id: str, block: Block) -> bool:
        """keep_apart, hard country mixing and hard 'apart' organisations, for one team."""
        problem, members = self.problem, set(block)
        for group in problem.keep_apart:
            if len(members & set(group.members)) >= 2:
                return False
        people = [self.participants[m] for m in block]
        if (
            problem.rules.mixed_countries == "hard"
            and len(self.cohort_countries[cohort_id]) >= 2
            and len({p.country for p in people}) < 2
        ):
            return False
        rules = problem.rules
        if rules.organisation_strictness == "hard" and rules.organisation == "apart":
            orgs = [p.organisation for p in people if p.organisation is not None]
            if len(orgs) != len(set(orgs)):
                return False
        return True

    def _split_ok(self, split: tuple[Block, ...]) -> bool:
        """keep_together and hard 'together' organisations, for one cohort's split."""
        block_of = {m: i for i, block in enumerate(split) for m in block}
        for group in self.problem.keep_together:
            # a group lies within one cohort (the problem validates that), so either all
            # of its members are in this split or none is
            if len({block_of[m] for m in group.members if m in block_of}) > 1:
                return False
        rules = self.problem.rules
        if rules.organisation_strictness == "hard" and rules.organisation == "together":
            return self._org_splits(split) == 0
        return True

    def _org_splits(self, split: tuple[Block, ...]) -> int:
        """Extra teams used by each organisation within one cohort's split."""
        teams_of: dict[str, set[int]] = {}
        for i, block in enumerate(split):
            for m in block:
                org = self.participants[m].organisation
                if org is not None:
                    teams_of.setdefault(org, set()).add(i)
        return sum(len(t) - 1 for t in teams_of.values())

    # ---- cheap rules and objective parts for one team at one host --------------------

    def _host_ok(self, cohort_id: str, block: Block, host: Host) -> bool:
        """Dates, single-team capacity, season cap, language, access, blocks and pins."""
        if not host.is_available(self.cohorts[cohort_id].internship):
            return False
        cap = host.capacity
        if cap.max_teams < 1 or len(block) > cap.max_participants:
            return False
        if host.season_max_teams is not None and host.season_max_teams < 1:
            return False
        languages = {t.casefold() for t in host.languages}
        access = {t.casefold() for t in host.accessibility}
        for m in block:
            p = self.participants[m]
            if not languages & {t.casefold() for t in p.languages}:
                return False
            if any(n.casefold() not in access for n in p.access_needs):
                return False
            if host.id in p.blocked_hosts:
                return False
            if self.pins.get(m, host.id) != host.id:
                return False
        return True

    def _team_value(self, block: Block, host: Host) -> float:
        """Fit, country mix, 'apart' organisation penalty and wishes of one team."""
        weights, rules = self.problem.weights, self.problem.rules
        people = [self.participants[m] for m in block]
        value = weights.thematic_fit * sum(self.fit[(m, host.id)] for m in block)
        if rules.mixed_countries != "off":
            value += weights.country_mix * (len({p.country for p in people}) - 1)
        if rules.organisation == "apart":
            counts = Counter(p.organisation for p in people if p.organisation is not None)
            value -= weights.organisation * sum(n - 1 for n in counts.values())
        for p in people:
            if host.id in p.wishes:
                value += weights.wishes / (p.wishes.index(host.id) + 1)
        return value

    def _hosts_for(self, cohort_id: str, block: Block) -> list[tuple[Host, float]]:
        """Allowed hosts of one team with the team's objective part there (memoised)."""
        key = (cohort_id, block)
        if key not in self.options:
            allowed = [
                (h, self._team_value(block, h))
                for h in self.hosts
                if self._host_ok(cohort_id, block, h)
            ]
            # best first, so that the bounds below bite early; ties keep problem order
            self.options[key] = sorted(allowed, key=lambda option: -option[1])
        return self.options[key]

    # ---- search -----------------------------------------------------------------------

    def run(self) -> Allocation | None:
        problem = self.problem
        per_cohort: list[list[tuple[float, list[tuple[str, Block]]]]] = []
        for c in problem.cohorts:
            options = []
            for split in _cohort_partitions(problem, c):
                if not self._split_ok(split) or not all(self._block_ok(c.id, b) for b in split):
                    continue
                value = 0.0
                if problem.rules.organisation == "together":
                    value -= problem.weights.organisation * self._org_splits(split)
                options.append((value, [(c.id, b) for b in split]))
            per_cohort.append(options)

        # Branch and bound: visit combinations most promising first, and cut any branch
        # whose optimistic value cannot beat the best found (ties keep the first found).
        spread = problem.weights.host_spread
        queue: list[tuple[float, float, list[tuple[str, Block]], list[list[tuple[Host, float]]]]]
        queue = []
        for combo in itertools.product(*per_cohort):
            blocks = [b for _, split in combo for b in split]
            choices = [self._hosts_for(c, b) for c, b in blocks]
            if all(choices):
                base = sum(v for v, _ in combo)
                bound = base + sum(c[0][1] for c in choices) + spread * len(blocks)
                queue.append((bound, base, blocks, choices))
        queue.sort(key=lambda item: -item[0])
        for bound, base, blocks, choices in queue:
            if self.best is not None and bound <= self.best[0] + TOLERANCE:
                break
            self.blocks, self.choices = blocks, choices
            self.rest = [sum(c[0][1] for c in choices[d:]) for d in range(len(choices) + 1)]
            self._descend(0, [], base, {}, Counter(), Counter())

        if self.best is None:
            return None
        expected, blocks, host_ids = self.best
        found = build_allocation(problem, blocks, host_ids)
        violations = check(problem, found)
        if violations:
            raise AssertionError(f"exhaustive pruning disagrees with check: {violations}")
        actual = objective(problem, found)
        if abs(actual - expected) > 1e-6:
            raise AssertionError(
                f"exhaustive objective {expected} disagrees with check.objective {actual}"
            )
        return found

    def _descend(
        self,
        depth: int,
        chosen: list[str],
        value: float,
        load: dict[tuple[str, date], tuple[int, int]],
        season: Counter[str],
        pairs: Counter[tuple[str, str]],
    ) -> None:
        """Try every allowed host for team ``depth``, keeping per-day loads within capacity."""
        blocks, spread = self.blocks, self.problem.weights.host_spread
        if depth == len(blocks):
            total = value + spread * len(pairs)
            if self.best is None or total > self.best[0] + TOLERANCE:
                self.best = (total, list(blocks), list(chosen))
            return
        if self.best is not None:
            bound = value + self.rest[depth] + spread * (len(pairs) + len(blocks) - depth)
            if bound <= self.best[0] + TOLERANCE:
                return
        cohort_id, block = blocks[depth]
        for host, team_value in self.choices[depth]:
            if host.season_max_teams is not None and season[host.id] >= host.season_max_teams:
                continue
            cap, size = host.capacity, len(block)
            keys = [(host.id, d) for d in self.days[cohort_id]]
            before = [load.get(k, (0, 0)) for k in keys]
            if any(t + 1 > cap.max_teams or n + size > cap.max_participants for t, n in before):
                continue
            for k, (t, n) in zip(keys, before, strict=True):
                load[k] = (t + 1, n + size)
            season[host.id] += 1
            pairs[(cohort_id, host.id)] += 1
            chosen.append(host.id)
            self._descend(depth + 1, chosen, value + team_value, load, season, pairs)
            chosen.pop()
            pairs[(cohort_id, host.id)] -= 1
            if not pairs[(cohort_id, host.id)]:
                del pairs[(cohort_id, host.id)]
            season[host.id] -= 1
            for k, old in zip(keys, before, strict=True):
                load[k] = old
