"""Ids to integer positions, and the numpy matrices every later layer reads.

The fit matrix and the allowed-pair masks are computed once here, vectorised, so the
rules only ever look up arrays. Each pair rule keeps its own mask so that pre-checks and
explanations can say *which* rule keeps a participant away from a host.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from ..records.catalogue import PAIR_RULES, entry
from ..records.normalise import normalise_country
from ..records.result import Allocation, Team
from ..records.schema import DateRange, Problem
from ..records.travel import (
    budget_units,
    cost_units,
    travel_cost_matrix,
    uses_travel,
    visit_travel_cost_matrix,
)
from ..records.validation import latest_season_teams
from .visits import StudyVisits

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: A fit this close below the floor still meets it (float sums in another order differ).
FIT_FLOOR_TOLERANCE = 1e-9


def _positions(ids: Iterable[str]) -> dict[str, int]:
    return {record_id: i for i, record_id in enumerate(ids)}


def _codes(labels: Sequence[str | None]) -> tuple[IntArray, list[str]]:
    """Integer codes for labels (None -> -1), codes in first-seen order."""
    vocabulary: dict[str, int] = {}
    codes = [-1 if lab is None else vocabulary.setdefault(lab, len(vocabulary)) for lab in labels]
    return np.asarray(codes, dtype=np.int64), list(vocabulary)


def _incidence(tag_lists: Sequence[Iterable[str]], vocabulary: dict[str, int]) -> BoolMatrix:
    """rows x tags boolean matrix; tags are compared case-insensitively."""
    out = np.zeros((len(tag_lists), len(vocabulary)), dtype=np.bool_)
    for row, tags in enumerate(tag_lists):
        for tag in tags:
            out[row, vocabulary[tag.casefold()]] = True
    return out


def _vocabulary(*tag_lists: Iterable[Iterable[str]]) -> dict[str, int]:
    vocabulary: dict[str, int] = {}
    for lists in tag_lists:
        for tags in lists:
            for tag in tags:
                vocabulary.setdefault(tag.casefold(), len(vocabulary))
    return vocabulary


def fit_matrix(problem: Problem) -> FloatMatrix:
    """Thematic fit in [0, 1] for every participant x host.

    fit[p, h] = sum_t w[p, t] * s[h, t] / sum_t w[p, t], where w are the participant's
    theme weights and s the host's strengths (0 for a theme it does not offer): the
    weighted share of what the participant works on that the host can show. A caller's
    affinity replaces the computed value for its pair.
    """
    themes = _vocabulary(
        (p.themes for p in problem.participants), (h.themes for h in problem.hosts)
    )
    weights = np.zeros((len(problem.participants), len(themes)))
    for row, p in enumerate(problem.participants):
        for tag, weight in p.themes.items():
            weights[row, themes[tag.casefold()]] = weight
    strengths = np.zeros((len(problem.hosts), len(themes)))
    for row, h in enumerate(problem.hosts):
        for tag, strength in h.themes.items():
            strengths[row, themes[tag.casefold()]] = strength
    totals = weights.sum(axis=1, keepdims=True)
    shares = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    fit: FloatMatrix = shares @ strengths.T
    p_pos = _positions(p.id for p in problem.participants)
    h_pos = _positions(h.id for h in problem.hosts)
    for affinity in problem.affinities:
        fit[p_pos[affinity.participant], h_pos[affinity.host]] = affinity.value
    return fit


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def partner_matrix(problem: Problem) -> BoolMatrix:
    """participants x hosts: the host lists the participant's home municipality or
    country among its partners (ignoring case; a partner country in any spelling)."""
    hosts_of: dict[str, list[int]] = defaultdict(list)
    for h, host in enumerate(problem.hosts):
        for partner in host.partners:
            for key in {_folded(partner), _folded(normalise_country(partner))}:
                hosts_of[key].append(h)
    out = np.zeros((len(problem.participants), len(problem.hosts)), dtype=np.bool_)
    if not hosts_of:
        return out
    for row, p in enumerate(problem.participants):
        keys = {_folded(p.country)}
        if p.home_municipality is not None:
            keys.add(_folded(p.home_municipality))
        for key in keys:
            out[row, hosts_of.get(key, [])] = True
    return out


def visited_matrix(problem: Problem) -> BoolMatrix:
    """participants x hosts: the participant's organisation visited the host in an
    earlier season (history; organisations ignore case and spacing)."""
    hosts_of: dict[str, set[int]] = defaultdict(set)
    host_pos = _positions(h.id for h in problem.hosts)
    for visit in problem.history:
        for organisation in visit.organisations:
            hosts_of[_folded(organisation)].add(host_pos[visit.host])
    out = np.zeros((len(problem.participants), len(problem.hosts)), dtype=np.bool_)
    if not hosts_of:
        return out
    for row, p in enumerate(problem.participants):
        if p.organisation is not None:
            out[row, sorted(hosts_of.get(_folded(p.organisation), ()))] = True
    return out


def _language_mask(problem: Problem) -> BoolMatrix:
    """participants x hosts: the participant speaks a language the host works in."""
    participants, hosts = problem.participants, problem.hosts
    languages = _vocabulary((p.languages for p in participants), (h.languages for h in hosts))
    speaks = _incidence([p.languages for p in participants], languages)
    works_in = _incidence([h.languages for h in hosts], languages)
    # float products use BLAS (integer ones do not: 1 s at 10,000 x 2,000); the counts
    # are small integers, exact in float64
    mask: BoolMatrix = (speaks.astype(np.float64) @ works_in.T.astype(np.float64)) > 0
    return mask


def _access_mask(problem: Problem) -> BoolMatrix:
    """participants x hosts: the host offers every access need of the participant."""
    participants, hosts = problem.participants, problem.hosts
    access = _vocabulary((p.access_needs for p in participants), (h.accessibility for h in hosts))
    needs = _incidence([p.access_needs for p in participants], access)
    offers = _incidence([h.accessibility for h in hosts], access)
    mask: BoolMatrix = (needs.astype(np.float64) @ (~offers).T.astype(np.float64)) == 0
    return mask


def _unblocked_mask(problem: Problem, host_pos: dict[str, int]) -> BoolMatrix:
    """participants x hosts: False where the participant blocks the host."""
    blocked = np.zeros((len(problem.participants), len(problem.hosts)), dtype=np.bool_)
    for row, p in enumerate(problem.participants):
        for host_id in p.blocked_hosts:
            blocked[row, host_pos[host_id]] = True
    return ~blocked


def _wish_values(problem: Problem, host_pos: dict[str, int]) -> FloatMatrix:
    """participants x hosts: 1 / rank for a host the participant wishes for, else 0."""
    wish_value = np.zeros((len(problem.participants), len(problem.hosts)))
    for row, p in enumerate(problem.participants):
        for host_id, rank in p.wish_ranks().items():
            wish_value[row, host_pos[host_id]] = 1.0 / rank
    return wish_value


def _pin_mask(
    problem: Problem, participant_pos: dict[str, int], host_pos: dict[str, int]
) -> BoolMatrix:
    """participants x hosts: a pinned participant is allowed only their pin's host."""
    pinned_ok = np.ones((len(problem.participants), len(problem.hosts)), dtype=np.bool_)
    for pin in problem.pins:
        row = participant_pos[pin.participant]
        pinned_ok[row, :] = False
        pinned_ok[row, host_pos[pin.host]] = True
    return pinned_ok


def _season_terms(
    problem: Problem, n_participants: int, n_hosts: int
) -> tuple[dict[str, BoolMatrix], dict[str, FloatMatrix], dict[str, FloatMatrix]]:
    """Masks, per-pair and per-team terms of the partnership and rotation rules.

    A term is present only where it can be non-zero (partners given, history given), so
    problems without these fields keep their terms and plans exactly as before.
    """
    everyone = np.ones((n_participants, n_hosts), dtype=np.bool_)
    masks = {"partnership": everyone, "revisit": everyone}
    pair: dict[str, FloatMatrix] = {}
    team: dict[str, FloatMatrix] = {}
    rules = problem.rules
    if rules.partnership != "off" and any(h.partners for h in problem.hosts):
        partnered = partner_matrix(problem)
        pair["partnership"] = partnered.astype(np.float64)
        if rules.partnership == "hard":
            masks["partnership"] = partnered | ~partnered.any(axis=1, keepdims=True)
    if problem.history:
        visited = visited_matrix(problem)
        if rules.revisit == "hard":
            masks["revisit"] = ~visited
        elif rules.revisit == "soft":
            pair["revisit"] = visited.astype(np.float64)
        latest = latest_season_teams(problem)
        relief = np.asarray([float(latest.get(h.id, 0)) for h in problem.hosts])
        team["host_relief"] = np.broadcast_to(relief, (len(problem.cohorts), n_hosts)).copy()
    return masks, pair, team


@dataclass(frozen=True)
class ProblemIndex:
    """Integer view of a problem: positions, codes, fit matrix and allowed-pair masks."""

    problem: Problem
    participant_pos: dict[str, int]
    host_pos: dict[str, int]
    cohort_pos: dict[str, int]
    cohort_of: IntArray
    country_of: IntArray
    countries: list[str]
    organisation_of: IntArray
    organisations: list[str]
    fit: FloatMatrix
    pair_masks: dict[str, BoolMatrix]
    wish_value: FloatMatrix
    concurrent_cohorts: list[frozenset[int]] = field(default_factory=list)
    #: Raw per-pair terms (participant x host), by catalogue term name: what sending the
    #: participant to the host adds to the term. Strategies and bounds read their weighted
    #: sum, ``pair_value``; the model's rule module for each term reads its raw matrix.
    pair_terms: dict[str, FloatMatrix] = field(default_factory=dict)
    #: Raw per-team terms (cohort x host), by term name: what one team of the cohort at the
    #: host adds to the term (e.g. a travel cost). Weighted sum: ``team_value``.
    team_terms: dict[str, FloatMatrix] = field(default_factory=dict)
    #: Cohorts with a window (the plan chooses their days): cohort -> starts x hosts, True
    #: where the host is open on every day of the internship beginning that day. Empty for
    #: problems with fixed dates only, which then solve exactly as before.
    open_starts: dict[int, BoolMatrix] = field(default_factory=dict)
    #: cohort x host: SEK of one team's trip (whole öre; 0 without travel data).
    travel_cost: FloatMatrix = field(default_factory=lambda: np.zeros((0, 0)))
    #: cohort x host: SEK of one study visit of the whole cohort (whole öre; 0 without
    #: a base and a location). Visits add it to the ``travel`` term and the budgets.
    visit_travel_cost: FloatMatrix = field(default_factory=lambda: np.zeros((0, 0)))

    @classmethod
    def build(cls, problem: Problem) -> ProblemIndex:
        """Index a problem: positions and codes, the fit matrix, one mask per pair rule (in
        catalogue order) and the raw per-pair and per-team terms."""
        participants, hosts, cohorts = problem.participants, problem.hosts, problem.cohorts
        participant_pos = _positions(p.id for p in participants)
        host_pos = _positions(h.id for h in hosts)
        cohort_pos = _positions(c.id for c in cohorts)
        cohort_of = np.asarray([cohort_pos[p.cohort] for p in participants], dtype=np.int64)
        country_of, countries = _codes([p.country for p in participants])
        organisation_of, organisations = _codes([p.organisation for p in participants])
        host_open, open_starts = _host_calendars(problem)
        fit = fit_matrix(problem)
        wish_value = _wish_values(problem, host_pos)
        season_masks, season_pairs, season_teams = _season_terms(
            problem, len(participants), len(hosts)
        )
        pair_masks = {
            "host_dates": host_open[cohort_of],
            "language": _language_mask(problem),
            "access": _access_mask(problem),
            "blocked": _unblocked_mask(problem, host_pos),
            "pin": _pin_mask(problem, participant_pos, host_pos),
            "fit_floor": _floor_mask(problem, fit),
            **season_masks,
        }
        assert tuple(pair_masks) == PAIR_RULES
        travel_cost = travel_cost_matrix(problem)
        # raw value in thousands of SEK; no term at all without travel data
        team_terms = {"travel": travel_cost / 1000} if uses_travel(problem) else {}
        return cls(
            problem=problem,
            participant_pos=participant_pos,
            host_pos=host_pos,
            cohort_pos=cohort_pos,
            cohort_of=cohort_of,
            country_of=country_of,
            countries=countries,
            organisation_of=organisation_of,
            organisations=organisations,
            fit=fit,
            pair_masks=pair_masks,
            wish_value=wish_value,
            concurrent_cohorts=_concurrent_groups(problem),
            open_starts=open_starts,
            pair_terms={
                "thematic_fit": fit,
                "wishes": wish_value,
                **_floor_terms(problem, fit),
                **season_pairs,
            },
            team_terms={**season_teams, **team_terms},
            travel_cost=travel_cost,
            visit_travel_cost=visit_travel_cost_matrix(problem),
        )

    @property
    def has_windows(self) -> bool:
        """Whether some cohort's days are chosen by the plan (a window, not fixed dates)."""
        return bool(self.open_starts)

    def hosts_in_use_mask(self) -> npt.NDArray[np.bool_]:
        """Hosts already in use this season (``Problem.hosts_in_use``): no season-spread
        gain for them."""
        mask = np.zeros(self.n_hosts, dtype=np.bool_)
        mask[[self.host_pos[h] for h in self.problem.hosts_in_use]] = True
        return mask

    @property
    def n_participants(self) -> int:
        return len(self.participant_pos)

    @property
    def n_hosts(self) -> int:
        return len(self.host_pos)

    @cached_property
    def derived(self) -> dict[str, Any]:
        """What upper layers build once from this index (e.g. the visits-only model), by
        name: it lives as long as the index, and the index never reads it."""
        return {}

    @cached_property
    def pair_value(self) -> FloatMatrix:
        """participant x host: weighted objective value of the pair's per-pair terms."""
        return _weighted(self.problem, self.pair_terms, (self.n_participants, self.n_hosts))

    @cached_property
    def team_value(self) -> FloatMatrix:
        """cohort x host: weighted objective value of one team (per-team terms)."""
        shape = (len(self.cohort_pos), self.n_hosts)
        return _weighted(self.problem, self.team_terms, shape)

    @cached_property
    def team_share(self) -> FloatMatrix:
        """participant x host: the participant's share of one team's value at the host (the
        per-team terms, e.g. travel, over the cohort's middle team size). The greedy rule
        and the shortlists rank hosts with it: on ``season-full`` a team's trip costs
        0.12-0.58, against a mean per-pair value of 0.12, so lists by fit alone kept far
        hosts."""
        sizes = np.array(
            [(c.team_size.min + c.team_size.max) / 2 for c in self.problem.cohorts], dtype=float
        )
        if not len(sizes):
            return np.zeros((self.n_participants, self.n_hosts))
        return np.asarray((self.team_value / sizes[:, None])[self.cohort_of], dtype=float)

    @cached_property
    def travel_units(self) -> IntArray:
        """cohort x host: one team's trip in whole öre (the budgets' integer units)."""
        return cost_units(self.travel_cost)

    @cached_property
    def groups_of(self) -> list[list[int]]:
        """Per cohort, the positions in ``concurrent_cohorts`` of the sets it is in."""
        found: list[list[int]] = [[] for _ in self.problem.cohorts]
        for g, cohorts in enumerate(self.concurrent_cohorts):
            for c in cohorts:
                found[c].append(g)
        return found

    @cached_property
    def host_limits(self) -> tuple[IntArray, IntArray, IntArray]:
        """Per host: the teams and the people it takes at once, and its season cap (none:
        more teams than there are participants). Read-only: every strategy shares them."""
        hosts, no_cap = self.problem.hosts, self.n_participants + 1
        return (
            _read_only([h.capacity.max_teams for h in hosts]),
            _read_only([h.capacity.max_participants for h in hosts]),
            _read_only(
                [no_cap if h.season_max_teams is None else h.season_max_teams for h in hosts]
            ),
        )

    @cached_property
    def budget_limits(self) -> tuple[IntArray, int]:
        """Travel budgets in whole öre: per cohort, and the season's (none: more than all
        teams' trips together)."""
        problem = self.problem
        unlimited = int(self.travel_units.sum()) + 1
        per_cohort = [
            unlimited if c.travel_budget is None else budget_units(c.travel_budget)
            for c in problem.cohorts
        ]
        season = problem.travel_budget
        return _read_only(per_cohort), unlimited if season is None else budget_units(season)

    @cached_property
    def visit_travel_units(self) -> IntArray:
        """cohort x host: one study visit's trip in whole öre."""
        return cost_units(self.visit_travel_cost)

    @cached_property
    def visits(self) -> StudyVisits:
        """The problem's study visits with their (host, day) options and fits."""
        return StudyVisits.build(self.problem)

    @cached_property
    def kept_apart(self) -> list[frozenset[int]]:
        """Per participant row, the rows a keep-apart group forbids in their team (built
        once for the greedy rule and the polish)."""
        apart: dict[int, set[int]] = {}
        for group in self.problem.keep_apart:
            rows = self.participant_rows(group.members)
            for p in rows:
                apart.setdefault(p, set()).update(q for q in rows if q != p)
        none: frozenset[int] = frozenset()
        return [frozenset(apart[p]) if p in apart else none for p in range(self.n_participants)]

    @cached_property
    def allowed(self) -> BoolMatrix:
        """participants x hosts: True where every pair rule allows the pair."""
        allowed = np.ones((self.n_participants, self.n_hosts), dtype=np.bool_)
        for mask in self.pair_masks.values():
            allowed &= mask
        return allowed

    def relaxed(self, rules: Iterable[str]) -> ProblemIndex:
        """A copy in which the named pair rules allow every pair (what-if, tests)."""
        names = set(rules)
        masks = {
            name: np.ones_like(mask) if name in names else mask
            for name, mask in self.pair_masks.items()
        }
        return replace(self, pair_masks=masks)

    def days_apart(self) -> ProblemIndex:
        """A copy in which no cohort with a window shares a day with another cohort.

        For upper bounds: day-by-day capacity couples only cohorts with fixed dates here,
        and a windowed cohort may use a host at every start it is open on (``allowed``),
        so every valid plan stays valid and the bound of the copy bounds the original.
        """
        fixed = frozenset(range(len(self.problem.cohorts))) - frozenset(self.open_starts)
        groups = {g & fixed for g in self.concurrent_cohorts}
        maximal = sorted((g for g in groups if g and not any(g < o for o in groups)), key=sorted)
        alone = [frozenset([c]) for c in sorted(self.open_starts)]
        return replace(self, concurrent_cohorts=maximal + alone)

    def shortlisted(self, keep: int, anchor: BoolMatrix | None = None) -> ProblemIndex:
        """A copy that allows each participant only their ``keep`` best open hosts.

        Best by fit plus wish value plus the share of a team's per-team terms
        (``team_share``); wished hosts and the ``anchor`` pairs (e.g. a known valid plan,
        so the shortlist stays feasible) always stay. This shrinks the model for large
        instances at the price of global optimality (see ``solve``'s strategy).
        """
        value = np.where(self.allowed, self.fit + self.wish_value + self.team_share, -np.inf)
        keep = max(1, min(keep, self.n_hosts))
        top = np.argpartition(-value, keep - 1, axis=1)[:, :keep]
        shortlist = np.zeros_like(self.allowed)
        np.put_along_axis(shortlist, top, True, axis=1)
        shortlist |= self.wish_value > 0
        for group in self.problem.keep_together:  # members must keep hosts in common
            rows = self.participant_rows(group.members)
            together = np.where(self.allowed[rows].all(axis=0), value[rows].sum(axis=0), -np.inf)
            best = np.argsort(-together)[:keep]
            shortlist[np.ix_(np.asarray(rows), best[np.isfinite(together[best])])] = True
        if anchor is not None:
            shortlist |= anchor
        masks = {**self.pair_masks, "shortlist": shortlist & self.allowed}
        return replace(self, pair_masks=masks)

    def teams(self, groups: Iterable[tuple[int, int, Sequence[int]]]) -> list[Team]:
        """Teams from (cohort, host, members) positions on the cohorts' fixed dates."""
        problem = self.problem
        return self.dated_teams(
            (c, h, members, problem.cohorts[c].starts()[0]) for c, h, members in groups
        )

    def dated_teams(self, groups: Iterable[tuple[int, int, Sequence[int], date]]) -> list[Team]:
        """Teams from (cohort, host, members, first day): sorted, numbered T01.., fit filled."""
        problem = self.problem
        found = sorted(
            (
                problem.cohorts[c].id,
                problem.hosts[h].id,
                start,
                sorted(problem.participants[p].id for p in members),
                c,
                float(self.fit[list(members), h].mean()),
            )
            for c, h, members, start in groups
            if len(members)
        )
        width = max(2, len(str(len(found))))
        teams = []
        for number, (cohort_id, host_id, start, ids, c, fit) in enumerate(found, start=1):
            dates = problem.cohorts[c].dates_from(start)
            teams.append(
                Team(
                    id=f"T{number:0{width}d}",
                    cohort=cohort_id,
                    host=host_id,
                    members=ids,
                    start=dates.start,
                    end=dates.end,
                    fit=round(fit, 6),
                )
            )
        return teams

    def renumbered(self, teams: Iterable[Team]) -> list[Team]:
        """The same teams, sorted and numbered T01.. afresh (when plans are joined)."""
        return self.dated_teams(
            (
                self.cohort_pos[t.cohort],
                self.host_pos[t.host],
                self.participant_rows(t.members),
                t.start,
            )
            for t in teams
        )

    def pairs_of(self, allocation: Allocation) -> BoolMatrix:
        """participants x hosts: True where the allocation sends the participant."""
        pairs = np.zeros((self.n_participants, self.n_hosts), dtype=np.bool_)
        for team in allocation.teams:
            h = self.host_pos.get(team.host)
            for member in team.members:
                p = self.participant_pos.get(member)
                if p is not None and h is not None:
                    pairs[p, h] = True
        return pairs

    def members(self, cohort: int) -> IntArray:
        return np.flatnonzero(self.cohort_of == cohort)

    def spent_per_cohort(self, trips: Iterable[tuple[str, str]], units: IntArray) -> dict[int, int]:
        """Cohort position -> öre the (cohort id, host id) trips cost by ``units`` (cohort x
        host: ``travel_units`` for teams, ``visit_travel_units`` for study visits); trips
        naming an unknown cohort or host are skipped."""
        spent: dict[int, int] = {}
        for cohort, host in trips:
            c, h = self.cohort_pos.get(cohort), self.host_pos.get(host)
            if c is not None and h is not None:
                spent[c] = spent.get(c, 0) + int(units[c, h])
        return spent

    def participant_rows(self, ids: Iterable[str]) -> list[int]:
        return [self.participant_pos[i] for i in ids]

    def units(self, cohort: int) -> list[list[int]]:
        """Participants of a cohort who must travel together, others alone.

        Keep-together groups (and colleagues under a hard 'together' policy) are merged
        with union-find; members outside the cohort are ignored (pre-checks report them).
        """
        members = [int(p) for p in self.members(cohort)]
        parent = {p: p for p in members}

        def root(p: int) -> int:
            while parent[p] != p:
                p = parent[p]
            return p

        groups = [g.members for g in self.problem.keep_together]
        rules = self.problem.rules
        if rules.organisation == "together" and rules.organisation_strictness == "hard":
            by_org: dict[int, list[str]] = defaultdict(list)
            for p in members:
                if self.organisation_of[p] >= 0:
                    by_org[int(self.organisation_of[p])].append(self.problem.participants[p].id)
            groups += list(by_org.values())
        for ids in groups:
            rows = [self.participant_pos[i] for i in ids if self.participant_pos[i] in parent]
            for p in rows[1:]:
                parent[root(p)] = root(rows[0])
        units: dict[int, list[int]] = defaultdict(list)
        for p in members:
            units[root(p)].append(p)
        return list(units.values())


def _floor_mask(problem: Problem, fit: FloatMatrix) -> BoolMatrix:
    """Pairs a hard fit floor leaves open (every pair without a hard floor)."""
    floor = problem.rules.fit_floor
    if floor is None or problem.rules.fit_floor_strictness != "hard":
        return np.ones(fit.shape, dtype=np.bool_)
    open_pairs: BoolMatrix = fit >= floor - FIT_FLOOR_TOLERANCE
    return open_pairs


def _floor_terms(problem: Problem, fit: FloatMatrix) -> dict[str, FloatMatrix]:
    """A soft floor's per-pair shortfall, max(0, floor - fit); nothing without one."""
    floor = problem.rules.fit_floor
    if floor is None or problem.rules.fit_floor_strictness != "soft":
        return {}
    shortfall: FloatMatrix = np.maximum(0.0, floor - fit)
    return {"fit_floor": shortfall}


def _weighted(
    problem: Problem, terms: dict[str, FloatMatrix], shape: tuple[int, int]
) -> FloatMatrix:
    """Sum of weight x raw matrix, rewards added and penalties taken (catalogue sense)."""
    total: FloatMatrix = np.zeros(shape)
    for name, raw in terms.items():
        sign = 1.0 if entry(name).sense == "reward" else -1.0
        total += sign * float(getattr(problem.weights, name)) * raw
    return total


def _host_calendars(problem: Problem) -> tuple[BoolMatrix, dict[int, BoolMatrix]]:
    """cohort x host: the host is open for the cohort's internship (for a window: on some
    start); and per windowed cohort, starts x hosts: open for the internship from that start.

    Cohorts often share their dates, so each host is asked once per distinct internship.
    """
    hosts = problem.hosts
    asked: dict[tuple[date, date], npt.NDArray[np.bool_]] = {}

    def open_for(span: DateRange) -> npt.NDArray[np.bool_]:
        key = (span.start, span.end)
        if key not in asked:
            asked[key] = np.asarray([h.is_available(span) for h in hosts], dtype=np.bool_)
        return asked[key]

    host_open = np.zeros((len(problem.cohorts), len(hosts)), dtype=np.bool_)
    open_starts: dict[int, BoolMatrix] = {}
    for c, cohort in enumerate(problem.cohorts):
        if cohort.window is None:
            host_open[c] = open_for(cohort.span)
            continue
        by_start = np.stack([open_for(cohort.dates_from(d)) for d in cohort.starts()])
        open_starts[c] = by_start.reshape(len(cohort.starts()), len(hosts))
        host_open[c] = by_start.any(axis=0)
    return host_open, open_starts


def _concurrent_groups(problem: Problem) -> list[frozenset[int]]:
    """Maximal sets of cohorts whose internships share a day; capacity holds for each set.

    For intervals, the cohorts present on some day form every clique of the overlap graph,
    so checking each cohort's first day and keeping the maximal sets is enough.
    """
    windows = [c.span for c in problem.cohorts]  # a window: every day it may be in the field
    groups = {
        frozenset(j for j, w in enumerate(windows) if w.start <= day.start <= w.end)
        for day in windows
    }
    return sorted((g for g in groups if not any(g < other for other in groups)), key=sorted)


def _read_only(values: list[int]) -> IntArray:
    array = np.array(values, dtype=np.int64)
    array.setflags(write=False)
    return array
