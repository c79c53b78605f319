"""Cheap necessary conditions, checked before any search, reported in the user's terms.

Each check is a counting argument a coordinator can verify by hand: a cohort smaller than
its minimum team, a participant no host can take, hosts whose places do not add up to the
head count, a keep-together group that cannot fit in one team. If one fails, no
allocation exists, and the message says which records to change.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..engine.model import candidate_counts, internship_rounds, team_limits
from ..index.problem_index import ProblemIndex
from ..records.catalogue import PAIR_RULES, entry
from ..records.result import Unplaced
from ..records.schema import Cohort, Participant
from ..records.travel import UNITS_PER_SEK, budget_units


def _who(p: Participant) -> str:
    needs = f", needs {', '.join(p.access_needs)}" if p.access_needs else ""
    return f"{p.name} ({p.id}, languages {', '.join(p.languages)}{needs})"


def exclusions(index: ProblemIndex, row: int) -> list[str]:
    """How many hosts each pair rule closes to a participant, first rule first."""
    counts = []
    still_open = np.ones(index.n_hosts, dtype=np.bool_)
    for rule in PAIR_RULES:
        closed = still_open & ~index.pair_masks[rule][row]
        if closed.any():
            counts.append(f"{int(closed.sum())} {entry(rule).closes}")
        still_open &= ~closed
    return counts


def explain_unplaced(index: ProblemIndex, participant_id: str) -> Unplaced:
    """Why a participant was left out in relaxed mode, in terms of the hosts open to them."""
    row = index.participant_pos[participant_id]
    problem = index.problem
    # a host that can hold no team of their cohort (capacity or season cap 0) is not open
    takes_teams = team_limits(index)[index.cohort_of[row]] > 0
    open_hosts = [problem.hosts[h].id for h in np.flatnonzero(index.allowed[row] & takes_teams)]
    closed = "; ".join(exclusions(index, row)) or "none"
    if not open_hosts:
        why = f"No host can take them: of {index.n_hosts} hosts, {closed}."
    else:
        why = (
            f"{len(open_hosts)} host(s) are open to them ({', '.join(open_hosts)}; closed: "
            f"{closed}), but placing them too would leave someone else out or break a hard "
            "rule; the reasons list the rules in conflict."
        )
    return Unplaced(participant=participant_id, open_hosts=open_hosts, why=why)


def _places(
    index: ProblemIndex,
    limits: npt.NDArray[np.int64],
    cohort: int,
    people: list[int],
    hosts: npt.NDArray[np.int64],
) -> int:
    """Most of ``people`` that ``hosts`` can take in one internship, by capacity alone."""
    largest = index.problem.cohorts[cohort].team_size.max
    candidates = index.allowed[np.ix_(np.asarray(people), hosts)].sum(axis=0)
    rounds = internship_rounds(index)[cohort]
    capacity = np.array([index.problem.hosts[h].capacity.max_participants for h in hosts]) * rounds
    teams = limits[cohort, hosts] * largest
    return int(np.minimum(np.minimum(candidates, capacity), teams).sum())


def _crowded_host_sets(
    index: ProblemIndex, limits: npt.NDArray[np.int64], cohort: int
) -> list[str]:
    """Hall's condition per group: participants whose open hosts all lie in a set S need
    no more places than S offers. Checked for each participant's own open set."""
    problem, allowed = index.problem, index.allowed
    members = [int(p) for p in index.members(cohort)]
    rounds = internship_rounds(index)[cohort]
    capacity = np.array([h.capacity.max_participants for h in problem.hosts]) * rounds
    reasons, seen = [], set()
    for p in members:
        open_hosts = np.flatnonzero(allowed[p])
        if capacity[open_hosts].sum() >= len(members):
            continue  # these hosts could take the whole cohort: no group can be crowded
        open_set = frozenset(int(h) for h in open_hosts)
        if not open_set or open_set in seen:
            continue
        seen.add(open_set)
        group = [q for q in members if set(np.flatnonzero(allowed[q])) <= open_set]
        if len(group) == len(members):
            continue  # the whole cohort: the head-count check below says it
        places = _places(index, limits, cohort, group, np.array(sorted(open_set)))
        if len(group) > places:
            ids = ", ".join(problem.participants[q].id for q in group)
            names = ", ".join(problem.hosts[h].name for h in sorted(open_set))
            languages = sorted({lang for q in group for lang in problem.participants[q].languages})
            reasons.append(
                f"{len(group)} participants of cohort {problem.cohorts[cohort].id} ({ids}; "
                f"languages {', '.join(languages)}) can go only to {names}, which can take at "
                f"most {places} of them {_when(problem.cohorts[cohort])}."
            )
    return reasons


def _season_caps(index: ProblemIndex, cohort: int) -> str:
    """The season caps that hold a cohort's open hosts below their daily capacity, named,
    so that a shortage caused by caps is not blamed on capacity alone."""
    problem = index.problem
    open_hosts = np.flatnonzero(index.allowed[index.members(cohort)].any(axis=0))
    smallest = problem.cohorts[cohort].team_size.min
    capped = []
    for h in open_hosts:
        host = problem.hosts[int(h)]
        daily = min(host.capacity.max_teams, host.capacity.max_participants // smallest)
        if host.season_max_teams is not None and host.season_max_teams < daily:
            capped.append(f"{host.name} {host.season_max_teams}")
    if not capped:
        return ""
    shown = ", ".join(capped[:8]) + (f" and {len(capped) - 8} more" if len(capped) > 8 else "")
    return f" (season caps, season_max_teams: {shown})"


def _when(cohort: Cohort) -> str:
    if cohort.window is None:
        return f"on {cohort.span}"
    return f"in {cohort.internship_days}-day internships within its window {cohort.window}"


def _team_counts(n: int, low: int, high: int, slots: int) -> bool:
    """Can n people form k teams of size low..high for some 1 <= k <= slots?"""
    return any(k * low <= n <= k * high for k in range(1, slots + 1))


def _travel_budgets(index: ProblemIndex) -> list[str]:
    """Each cohort needs at least ceil(n / max) teams, each at least its cheapest usable
    trip, and each study visit at least its cheapest open option's trip: a budget below
    that sum cannot hold (in whole öre, as the model counts)."""
    problem, units = index.problem, index.travel_units
    usable = (candidate_counts(index) > 0) & (team_limits(index) > 0)
    least = _least_visit_travel(index)
    for c, cohort in enumerate(problem.cohorts):
        teams = -(-len(index.members(c)) // cohort.team_size.max)
        cheapest = int(units[c, usable[c]].min()) if usable[c].any() else 0
        least[c] += teams * cheapest
    visits = any(c.study_visits for c in problem.cohorts)
    what = " and study visits at theirs" if visits else ""
    reasons = []
    for c, cohort in enumerate(problem.cohorts):
        if cohort.travel_budget is not None and least[c] > budget_units(cohort.travel_budget):
            reasons.append(
                f"Cohort {cohort.id} needs at least {least[c] / UNITS_PER_SEK:,.2f} SEK of "
                f"travel (its fewest teams at its cheapest hosts{what}), more than its travel "
                f"budget of {cohort.travel_budget:,.2f} SEK."
            )
    season = problem.travel_budget
    if season is not None and sum(least) > budget_units(season):
        reasons.append(
            f"The cohorts need at least {sum(least) / UNITS_PER_SEK:,.2f} SEK of travel (their "
            f"fewest teams at their cheapest hosts{what}), more than the season travel budget "
            f"of {season:,.2f} SEK."
        )
    return reasons


def _least_visit_travel(index: ProblemIndex) -> list[int]:
    """Per cohort: öre its study visits' trips cost at least (each at its cheapest open
    option; a visit with none is left to the visit pre-checks)."""
    least = [0] * len(index.problem.cohorts)
    group = index.visit_travel_units
    for k, (c, _) in enumerate(index.visits.keys):
        hosts = [o.host for o in index.visits.open_options(k)]
        least[c] += int(min((group[c, h] for h in hosts), default=0))
    return least


def precheck(index: ProblemIndex) -> list[str]:
    problem = index.problem
    reasons: list[str] = []
    allowed = index.allowed

    for row, p in enumerate(problem.participants):
        if not allowed[row].any():
            reasons.append(
                f"Participant {_who(p)} can go to no host: of {index.n_hosts} hosts, "
                f"{'; '.join(exclusions(index, row))}."
            )

    limits, candidates = team_limits(index), candidate_counts(index)
    for c, cohort in enumerate(problem.cohorts):
        members = index.members(c)
        n, size = len(members), cohort.team_size
        if n < size.min:
            reasons.append(
                f"Cohort {cohort.id} has {n} participant{'s' * (n != 1)}, fewer than its "
                f"minimum team size {size.min}."
            )
            continue
        hosts = np.flatnonzero(candidates[c])
        slots = int(limits[c, hosts].sum())
        places = _places(index, limits, c, [int(p) for p in members], hosts)
        reasons += _crowded_host_sets(index, limits, c)
        if places < n:
            reasons.append(
                f"Cohort {cohort.id} needs places for {n} participants {_when(cohort)}, "
                f"but the hosts that can take its members offer at most {places}"
                + _season_caps(index, c)
                + "."
            )
        elif not _team_counts(n, size.min, size.max, slots):
            reasons.append(
                f"Cohort {cohort.id} cannot split {n} participants into teams of "
                f"{size.min}-{size.max} using the {slots} team places its hosts offer."
            )

    apart_pairs = {
        frozenset((a, b))
        for group in problem.keep_apart
        for a in group.members
        for b in group.members
        if a != b
    }
    for i, group in enumerate(problem.keep_together):
        rows = index.participant_rows(group.members)
        limit = problem.cohort(problem.participant(group.members[0]).cohort).team_size.max
        label = f"keep_together[{i}] ({', '.join(group.members)})"
        if len(rows) > limit:
            reasons.append(f"{label} has {len(rows)} members, more than the team maximum {limit}.")
        clash = [sorted(pair) for pair in apart_pairs if pair <= set(group.members)]
        for a, b in sorted(clash):
            reasons.append(f"{label} requires {a} and {b} together, but keep_apart separates them.")
        if not np.logical_and.reduce(allowed[rows], axis=0).any():
            reasons.append(f"{label}: no host can take all of its members together.")
    return reasons + _travel_budgets(index) + visit_prechecks(index)


def visit_prechecks(index: ProblemIndex) -> list[str]:
    """A study visit with no (host, day) open to it, with the rules that close them."""
    problem, visits = index.problem, index.visits
    reasons: list[str] = []
    for k, (c, visit_id) in enumerate(visits.keys):
        if visits.open_options(k):
            continue
        cohort = problem.cohorts[c]
        what = f"Study visit {visit_id} of cohort {cohort.id} can go to no host on any of its days"
        offering = {o.host for o in visits.options[k]}
        if not offering:
            reasons.append(f"{what}: no host offers group visits (visit_placement).")
            continue
        small = {o.host for o in visits.options[k] if "visit_capacity" in o.closed_by}
        closed_days = offering - {o.host for o in visits.options[k] if o.day_open}
        parts = []
        if small:
            parts.append(
                f"{len(small)} of the {len(offering)} hosts offering group visits receive "
                f"fewer than its {len(index.members(c))} people (visit_capacity)"
            )
        if closed_days:
            parts.append(
                f"{len(closed_days)} receive no groups on "
                f"{', '.join(map(str, visits.days[k]))} (visit_days)"
            )
        reasons.append(f"{what}: {'; '.join(parts)}.")
    return reasons
