"""Why each team, host and placement looks the way it does: the score broken down.

Built on the independent checker (hard-rule breaches, term values) and the problem index
(fit matrix, allowed-pair masks), never on the solver's model, so any allocation can be
explained, including one edited by hand or one that breaks rules. It states facts (fits,
ranks among open hosts, the rules that bind a person or a team, what a team costs) and
does not guess at the solver's reasons: an optimum is a trade-off over the whole plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from ..index.problem_index import ProblemIndex
from ..records.catalogue import PAIR_RULES, binding
from ..records.result import Allocation, Status, Team, TermValue, Visit
from ..records.schema import Host, Participant, Problem
from ..records.travel import great_circle_km, uses_travel
from ..records.validation import latest_season_teams
from .check import (
    RULES,
    by_organisation,
    check,
    is_partner,
    score,
    team_travel_cost,
    visit_travel_cost,
    visited_before,
)

__all__ = [
    "Explanation",
    "ParticipantReport",
    "RuleReport",
    "TeamReport",
    "TermReport",
    "ThemeMatch",
    "explain",
]

#: Fits closer than this count as equal when ranking hosts (fits are sums of products).
_TIE = 1e-9


class _Report(BaseModel):
    """Reports are read-only snapshots: freezing them keeps a shared explanation honest."""

    model_config = ConfigDict(frozen=True)


class RuleReport(_Report):
    """One hard rule and whether the allocation keeps it."""

    name: str = Field(description="Hard-rule name as reported by icld_match.analysis.check.")
    level: Literal["hard"] = Field(default="hard", description="Hard rules must hold for validity.")
    applies: bool = Field(
        description="False when the problem's rules make this a soft or disabled rule "
        "(mixed_countries, organisation, fit_floor); it then holds trivially."
    )
    holds: bool = Field(description="True when the allocation breaks this rule nowhere.")
    violations: list[str] = Field(description="One message per breach, from the independent check.")


class TermReport(_Report):
    """One objective term with the concrete matches that make up its value."""

    name: str = Field(description="Term name, e.g. 'thematic_fit'.")
    level: Literal["soft"] = Field(default="soft", description="Terms are weighed, never required.")
    sense: Literal["reward", "penalty"] = Field(description="Rewards add, penalties subtract.")
    weight: float = Field(description="Weight from the problem's weights.")
    value: float = Field(description="Raw value of the term.")
    contribution: float = Field(description="Signed weight * value added to the objective.")
    matches: list[str] = Field(
        description="The concrete matches behind the value, one line each (best first where "
        "there is an order)."
    )


class ThemeMatch(_Report):
    """How much one theme adds to a team's fit with its host."""

    theme: str = Field(description="Theme tag (the host's spelling when it offers it).")
    strength: float = Field(description="The host's strength in this theme, 0 if not offered.")
    share: float = Field(
        description="Sum over members of the theme's share of the member's theme weights."
    )
    contribution: float = Field(
        description="strength * share: this theme's part of the members' summed fit."
    )


class TeamReport(_Report):
    """One team: who, where, what binds it, what it earns and what it costs."""

    id: str = Field(description="Team id.")
    cohort: str = Field(description="Cohort id.")
    host: str = Field(description="Host id.")
    host_name: str | None = Field(description="Host display name; None for an unknown host.")
    members: list[str] = Field(description="Participant ids, as in the allocation.")
    countries: list[str] = Field(description="Distinct countries of the members, in member order.")
    fit: float = Field(description="Mean thematic fit of the members with the host.")
    fit_sum: float = Field(description="Summed fit of the members: the team's thematic_fit value.")
    themes: list[ThemeMatch] = Field(
        description="Themes the members care about, by contribution to the summed fit, largest "
        "first; members with an affinity override are left out."
    )
    affinity_members: list[str] = Field(
        description="Members whose fit with this host is a caller-supplied affinity, not themes."
    )
    shared_languages: list[str] = Field(
        description="Host languages that every member also works in."
    )
    member_languages: dict[str, list[str]] = Field(
        description="Per member, the host languages that member works in."
    )
    wishes_honoured: list[str] = Field(
        description="Members at one of their wished hosts, e.g. 'p13 (wish 1)'."
    )
    travel_cost: float = Field(
        default=0.0,
        description="SEK of the team's return trip from its cohort's base (0 without travel "
        "data or for an unknown cohort or host).",
    )
    pays_for: list[str] = Field(
        description="Soft rules this team falls short on, e.g. 'organisation: p02 and p03 are "
        "colleagues (...)' or 'country_mix: single country (Kenya)'."
    )
    why: str = Field(description="One sentence summing up the team.")


class ParticipantReport(_Report):
    """One participant: where they went and how that host ranks among those open to them."""

    id: str = Field(description="Participant id.")
    name: str = Field(description="Participant name.")
    cohort: str = Field(description="Cohort id.")
    country: str = Field(description="Partner country.")
    team: str | None = Field(description="Team id; None when the allocation does not place them.")
    host: str | None = Field(description="Host id of their team; None when unplaced.")
    host_name: str | None = Field(description="Host display name; None when unplaced or unknown.")
    fit: float | None = Field(description="Thematic fit with their host; None when unplaced.")
    host_rank: int | None = Field(
        description="Rank of their host by fit among the hosts open to them (1 = best, ties "
        "share a rank); None when unplaced or sent to a host closed to them."
    )
    open_hosts: int = Field(
        description="Hosts every pair rule (dates, language, access, blocked, pin) allows."
    )
    best_open_host: str | None = Field(
        description="The best-fit open host when it is not their host; else None."
    )
    best_open_host_name: str | None = Field(description="Display name of best_open_host.")
    best_open_fit: float | None = Field(description="Fit with best_open_host; else None.")
    wish_rank: int | None = Field(
        description="Which of their wishes they got (1 = first); None if none."
    )
    excluded_by: dict[str, list[str]] = Field(
        description="Pair rule -> host ids it closes to this participant (rules closing none "
        "are left out)."
    )
    why: str = Field(description="A sentence of facts: rank, best alternative, binding rules.")


class VisitReport(_Report):
    """One whole-group study visit: where and when, how well it fits, and why there."""

    cohort: str = Field(description="Cohort id.")
    visit: str = Field(description="Study visit id.")
    host: str = Field(description="Host id.")
    host_name: str | None = Field(description="Host display name; None for an unknown host.")
    day: date = Field(description="Day of the visit.")
    fit: float = Field(description="Fit of the visit's themes with the host's group themes.")
    open_hosts: int = Field(
        description="Hosts that could receive this group on one of its days (capacity, "
        "group-visit days, availability), before the clash and per-day limits."
    )
    best_open_host: str | None = Field(
        description="The best-fit open host when it is not the one chosen, else None."
    )
    best_open_fit: float | None = Field(description="Fit with best_open_host; else None.")
    why: str = Field(
        description="A sentence of facts: rank by fit, what keeps it off better hosts."
    )
    travel_cost: float = Field(
        default=0.0,
        description="SEK of the whole group's return trip from its cohort's base (group "
        "factor x one team's distance-based trip; 0 without travel data).",
    )


class Explanation(_Report):
    """Every choice of an allocation explained: hard rules, terms, teams and participants."""

    status: Status = Field(description="The allocation's status.")
    objective: float = Field(
        description="Sum of the term contributions, recomputed from the problem's rules."
    )
    solver_objective: float | None = Field(
        description="The objective the allocation reports (None if it reports none)."
    )
    valid: bool = Field(description="True when every hard rule holds.")
    reasons: list[str] = Field(description="The allocation's reasons (for infeasible answers).")
    rules: list[RuleReport] = Field(
        description="Every hard rule, in the independent check's order."
    )
    terms: list[TermReport] = Field(description="Every objective term, in objective order.")
    teams: list[TeamReport] = Field(description="One report per team, in allocation order.")
    participants: list[ParticipantReport] = Field(
        description="One report per participant of the problem, in problem order."
    )
    fairness: list[str] = Field(
        default_factory=list,
        description="The worst-off placed participant(s) by thematic fit, with host and fit, "
        "and with rules.fit_floor every placed participant below the floor and by how much.",
    )
    travel_by_cohort: dict[str, float] = Field(
        default_factory=dict,
        description="SEK the teams and study visits of each cohort travel for (cohort id -> "
        "SEK); empty when the problem has no travel data.",
    )
    visits: list[VisitReport] = Field(
        default_factory=list,
        description="One report per study visit of the allocation, in allocation order.",
    )

    def to_text(self, limit: int = 5) -> str:
        """Plain text for coordinators; each term lists its first ``limit`` matches."""
        return _render(self, limit)


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _fold(tags: Iterable[str]) -> set[str]:
    """Tags ignore case everywhere in the problem, so explanations compare them folded."""
    return {t.casefold() for t in tags}


def _and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': for sentences rather than lists."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _some(items: Sequence[str], limit: int = 5) -> str:
    """A comma list cut after ``limit`` items with '… and N more', for long host lists."""
    shown = ", ".join(items[:limit])
    return f"{shown}, … and {len(items) - limit} more" if len(items) > limit else shown


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class _Context:
    """Lookups shared by every report, built once per explanation."""

    def __init__(self, problem: Problem, allocation: Allocation) -> None:
        self.problem = problem
        self.allocation = allocation
        self.index = ProblemIndex.build(problem)
        self.people = {p.id: p for p in problem.participants}
        self.hosts = {h.id: h for h in problem.hosts}
        self.cohorts = {c.id: c for c in problem.cohorts}
        self.affinity = {(a.participant, a.host) for a in problem.affinities}
        self.pins = {pin.participant: pin.host for pin in problem.pins}
        self.cohort_countries: dict[str, set[str]] = defaultdict(set)
        for p in problem.participants:
            self.cohort_countries[p.cohort].add(p.country)
        self.teams_of: dict[str, list[Team]] = defaultdict(list)
        for team in allocation.teams:
            for m in team.members:
                self.teams_of[m].append(team)
        #: Host id -> teams it received in the latest season of the history (host relief).
        self.last_season = latest_season_teams(problem)
        self.latest = max((v.season for v in problem.history), default="")

    def known(self, team: Team) -> list[Participant]:
        """Members the problem knows; unknown ids are a placement breach, not explained."""
        return [self.people[m] for m in team.members if m in self.people]

    def fit(self, participant_id: str, host_id: str) -> float:
        index = self.index
        return float(index.fit[index.participant_pos[participant_id], index.host_pos[host_id]])

    def host_name(self, host_id: str | None) -> str | None:
        host = self.hosts.get(host_id) if host_id is not None else None
        return host.name if host is not None else None

    def together_with(self, participant_id: str) -> list[str]:
        """Everyone a keep-together rule ties this participant to."""
        return _unique(
            m
            for g in self.problem.keep_together
            if participant_id in g.members
            for m in g.members
            if m != participant_id
        )

    def apart_from(self, participant_id: str) -> list[str]:
        return _unique(
            m
            for g in self.problem.keep_apart
            if participant_id in g.members
            for m in g.members
            if m != participant_id
        )

    def pinned_to(self, participant_id: str) -> str | None:
        return self.pins.get(participant_id)


# --------------------------------------------------------------------------------------
# Hard rules and terms
# --------------------------------------------------------------------------------------


def _rule_reports(problem: Problem, allocation: Allocation) -> list[RuleReport]:
    by_rule: dict[str, list[str]] = defaultdict(list)
    for violation in check(problem, allocation):
        by_rule[violation.rule].append(violation.message)
    return [
        RuleReport(
            name=name,
            applies=binding(name, problem.rules),
            holds=not by_rule.get(name),
            violations=by_rule.get(name, []),
        )
        for name in RULES
    ]


def _fit_matches(ctx: _Context) -> list[str]:
    rows: list[tuple[float, str, str]] = []
    for team in ctx.allocation.teams:
        if team.host not in ctx.hosts:
            continue
        for p in ctx.known(team):
            fit = ctx.fit(p.id, team.host)
            rows.append((fit, p.id, f"{p.id} {p.name} at {team.host}: fit {fit:.2f}"))
    return [line for _, _, line in sorted(rows, key=lambda r: (-r[0], r[1]))]


def _country_matches(ctx: _Context) -> list[str]:
    lines = []
    for team in ctx.allocation.teams:
        countries = _unique(p.country for p in ctx.known(team))
        lines.append(f"{team.id}: {', '.join(countries)} (+{max(0, len(countries) - 1)})")
    return lines


def _colleagues(members: Iterable[Participant]) -> dict[str, list[str]]:
    return {org: ids for org, ids in by_organisation(members).items() if len(ids) >= 2}


def _org_splits(ctx: _Context) -> list[tuple[str, str, list[str], list[str]]]:
    """(cohort, organisation, teams, members) for colleagues placed in more than one team."""
    teams: dict[tuple[str, str], list[str]] = defaultdict(list)
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for team in ctx.allocation.teams:
        for p in ctx.known(team):
            if p.organisation is not None:
                teams[(p.cohort, p.organisation)].append(team.id)
                members[(p.cohort, p.organisation)].append(p.id)
    return [
        (cohort, org, _unique(teams[(cohort, org)]), _unique(members[(cohort, org)]))
        for cohort, org in teams
        if len(_unique(teams[(cohort, org)])) > 1
    ]


def _organisation_matches(ctx: _Context) -> list[str]:
    if ctx.problem.rules.organisation == "together":
        return [
            f"{org} ({cohort}) is split over {', '.join(teams)}: {', '.join(members)} "
            f"(+{len(teams) - 1})"
            for cohort, org, teams, members in _org_splits(ctx)
        ]
    lines = []
    for team in ctx.allocation.teams:
        for org, ids in _colleagues(ctx.known(team)).items():
            if len(ids) == 2:
                lines.append(f"{team.id}: {', '.join(ids)} both from {org}")
            else:
                lines.append(f"{team.id}: {', '.join(ids)} all from {org} (+{len(ids) - 1})")
    return lines


def _wish_entry(entry: str | list[str]) -> str:
    """One rank of the wishes: a host id, or tied hosts as 'lund | malmo'."""
    return entry if isinstance(entry, str) else " | ".join(entry)


def _wish_text(p: Participant) -> str:
    return ", ".join(_wish_entry(entry) for entry in p.wishes)


def _wish_matches(ctx: _Context) -> list[str]:
    got, missed = [], []
    for p in ctx.problem.participants:
        if not p.wishes:
            continue
        hosts = [t.host for t in ctx.teams_of.get(p.id, [])]
        ranks = p.wish_ranks()
        honoured = [(ranks[h], h) for h in hosts if h in ranks]
        if honoured:
            got += [f"{p.id} got wish {r} ({h})" for r, h in honoured]
        else:
            missed.append(f"{p.id} got no wish ({_wish_text(p)})")
    return got + missed


def _placed_fits(ctx: _Context) -> list[tuple[float, str, str]]:
    """(fit, participant id, host id) of every placed member at a known host."""
    return sorted(
        (ctx.fit(p.id, team.host), p.id, team.host)
        for team in ctx.allocation.teams
        if team.host in ctx.hosts
        for p in ctx.known(team)
    )


def _worst_fit_matches(ctx: _Context) -> list[str]:
    """The participant(s) whose fit is the lowest of everyone placed (ties all named)."""
    fits = _placed_fits(ctx)
    if not fits:
        return ["nobody is placed"]
    lowest = fits[0][0]
    return [
        f"worst fit {fit:.2f}: {pid} {ctx.people[pid].name} at {hid}"
        for fit, pid, hid in fits
        if fit <= lowest + _TIE
    ]


def _floor_matches(ctx: _Context) -> list[str]:
    """Every placed participant below rules.fit_floor, largest shortfall first."""
    floor = ctx.problem.rules.fit_floor
    if floor is None:
        return []
    below = [(fit, pid, hid) for fit, pid, hid in _placed_fits(ctx) if fit < floor - _TIE]
    return [
        f"{pid} {ctx.people[pid].name} at {hid}: fit {fit:.2f}, {floor - fit:.2f} below the "
        f"floor {floor:g}"
        for fit, pid, hid in below
    ]


def _spread_matches(ctx: _Context) -> list[str]:
    visited: dict[str, list[str]] = defaultdict(list)
    for team in ctx.allocation.teams:
        visited[team.cohort].append(team.host)
    lines = []
    for cohort, hosts in visited.items():
        distinct = sorted(set(hosts))
        lines.append(f"{cohort} visits {len(distinct)} hosts: {', '.join(distinct)}")
    return lines


def _placed(ctx: _Context) -> list[tuple[Team, Participant, Host]]:
    return [
        (team, p, ctx.hosts[team.host])
        for team in ctx.allocation.teams
        if team.host in ctx.hosts
        for p in ctx.known(team)
    ]


def _partner_matches(ctx: _Context) -> list[str]:
    """Who is at a partner host, and which partnership (municipality or country) it is."""
    lines = []
    for team, p, host in _placed(ctx):
        if not is_partner(host, p):
            continue
        home = [
            x
            for x in host.partners
            if p.home_municipality
            and x.casefold().strip() == p.home_municipality.casefold().strip()
        ]
        link = f"home municipality {home[0]}" if home else f"country {p.country}"
        lines.append(
            f"{p.id} {p.name} at {host.id} ({team.id}): {host.name} is a partner of {link}"
        )
    return lines


def _revisit_matches(ctx: _Context) -> list[str]:
    """Who is sent back to a host their organisation visited, and in which seasons."""
    lines = []
    for team, p, host in _placed(ctx):
        seasons = visited_before(ctx.problem, p, host.id)
        if seasons:
            lines.append(
                f"{p.id} {p.name} at {host.id} ({team.id}): {p.organisation} visited "
                f"{host.name} in season {', '.join(seasons)}"
            )
    return lines


def _season_spread_matches(ctx: _Context) -> list[str]:
    used = sorted({t.host for t in ctx.allocation.teams if t.host in ctx.hosts})
    elsewhere = [h for h in used if h in set(ctx.problem.hosts_in_use)]
    counted = [h for h in used if h not in elsewhere]
    lines = [f"the season uses {len(counted)} hosts: {', '.join(counted) or 'none'}"]
    if elsewhere:
        lines.append(f"not counted, already in use elsewhere: {', '.join(elsewhere)}")
    return lines


def _relief_matches(ctx: _Context) -> list[str]:
    """Teams at hosts that were busy in the latest season of the history."""
    return [
        f"{team.id} at {team.host}: {reason}"
        for team in ctx.allocation.teams
        if (reason := _relief_reason(ctx, team)) is not None
    ]


def _relief_reason(ctx: _Context, team: Team) -> str | None:
    """Why one team costs host relief, or None when its host was not busy last season."""
    load = ctx.last_season.get(team.host, 0)
    if not load:
        return None
    return f"{ctx.host_name(team.host)} received {load} team(s) in season {ctx.latest} (+{load})"


def _trip(ctx: _Context, team: Team) -> float:
    cohort, host = ctx.cohorts.get(team.cohort), ctx.hosts.get(team.host)
    if cohort is None or host is None:
        return 0.0
    return team_travel_cost(ctx.problem, cohort, host)


def _trip_source(ctx: _Context, team: Team) -> str:
    """Where a team's cost comes from: a supplied cost, the distance, or nothing known."""
    if any((t.cohort, t.host) == (team.cohort, team.host) for t in ctx.problem.travel_costs):
        return "supplied cost"
    cohort, host = ctx.cohorts.get(team.cohort), ctx.hosts.get(team.host)
    if cohort is None or host is None or cohort.base is None or host.location is None:
        return "no base or location: no cost"
    km = great_circle_km(cohort.base, host.location)
    return f"from {cohort.base.name or 'the base'}, {km:,.0f} km as the crow flies"


def _visit_trip(ctx: _Context, visit: Visit) -> float:
    cohort, host = ctx.cohorts.get(visit.cohort), ctx.hosts.get(visit.host)
    if cohort is None or host is None:
        return 0.0
    return visit_travel_cost(ctx.problem, cohort, host)


def _travel_by_cohort(ctx: _Context) -> dict[str, float]:
    """Per cohort what its teams' and study visits' trips cost (SEK)."""
    spent: dict[str, float] = {c.id: 0.0 for c in ctx.problem.cohorts}
    for team in ctx.allocation.teams:
        if team.cohort in spent:
            spent[team.cohort] += _trip(ctx, team)
    for visit in ctx.allocation.visits:
        if visit.cohort in spent:
            spent[visit.cohort] += _visit_trip(ctx, visit)
    return spent


def _travel_matches(ctx: _Context) -> list[str]:
    """Per cohort the total (and budget), then each team's and visit's trip, dearest first."""
    lines = []
    for cohort_id, spent in _travel_by_cohort(ctx).items():
        budget = ctx.cohorts[cohort_id].travel_budget
        limit = f" of a budget of {budget:,.2f} SEK" if budget is not None else ""
        lines.append(f"{cohort_id}: {spent:,.2f} SEK{limit}")
    factor = ctx.problem.travel.group_factor
    trips = [
        (
            _trip(ctx, t),
            f"{t.id} ({t.cohort}) to {ctx.host_name(t.host) or t.host}",
            _trip_source(ctx, t),
        )
        for t in ctx.allocation.teams
    ] + [
        (
            _visit_trip(ctx, v),
            f"visit {v.visit} ({v.cohort}) to {ctx.host_name(v.host) or v.host}",
            f"whole group: {factor:g} x a team's trip by distance",
        )
        for v in ctx.allocation.visits
    ]
    trips.sort(key=lambda r: -r[0])
    lines += [f"{what}: {cost:,.2f} SEK ({source})" for cost, what, source in trips]
    return lines


def _visit_matches(ctx: _Context) -> list[str]:
    """Each planned study visit with its host, day and fit, best fit first."""
    reports = sorted(_visit_reports(ctx), key=lambda r: -r.fit)
    return [
        f"{r.visit} of {r.cohort} at {r.host_name or r.host} on {r.day}: fit {r.fit:.2f}"
        for r in reports
    ]


def _visit_reports(ctx: _Context) -> list[VisitReport]:
    visits = ctx.index.visits
    position = {(ctx.problem.cohorts[c].id, v): k for k, (c, v) in enumerate(visits.keys)}
    return [_visit_report(ctx, v, position.get((v.cohort, v.visit))) for v in ctx.allocation.visits]


def _visit_report(ctx: _Context, visit: Visit, k: int | None) -> VisitReport:
    """Facts about one visit: its fit, its rank among the open hosts, what blocks better ones."""
    index = ctx.index
    h = index.host_pos.get(visit.host)
    fit = float(index.visits.fit[k, h]) if k is not None and h is not None else 0.0
    fits: dict[int, float] = {}
    if k is not None:
        fits = {o.host: float(index.visits.fit[k, o.host]) for o in index.visits.open_options(k)}
    ranked = sorted(fits, key=lambda o: -fits[o])
    best = ranked[0] if ranked and fits[ranked[0]] > fit + 1e-9 else None
    best_id = ctx.problem.hosts[best].id if best is not None else None
    best_fit = fits[best] if best is not None else None
    name = ctx.host_name(visit.host) or visit.host
    rank = sum(value > fit + 1e-9 for value in fits.values()) + 1
    why = f"{name} ranks {rank} of {len(ranked)} open hosts by fit ({fit:.2f})"
    if best_id is not None and best_fit is not None:
        why += f"; the best-fit open host is {ctx.host_name(best_id)} ({best_fit:.2f})"
        why += _visit_blocked(ctx, visit, best_id)
    return VisitReport(
        cohort=visit.cohort,
        visit=visit.visit,
        host=visit.host,
        host_name=ctx.host_name(visit.host),
        day=visit.day,
        fit=round(fit, 6),
        open_hosts=len(ranked),
        best_open_host=best_id,
        best_open_fit=best_fit,
        why=why + ".",
        travel_cost=_visit_trip(ctx, visit),
    )


def _visit_blocked(ctx: _Context, visit: Visit, host_id: str) -> str:
    """What keeps the group off a better host, when the plan shows it (facts, not motives)."""
    host = ctx.hosts[host_id]
    offer = host.group_visits
    team = next(
        (t for t in ctx.allocation.teams if t.cohort == visit.cohort and t.host == host_id), None
    )
    if team is not None and offer is not None and not offer.with_teams:
        return f", where the cohort's team {team.id} is during the internship (visit_clash)"
    others = [v for v in ctx.allocation.visits if v.host == host_id and v is not visit]
    if others and offer is not None:
        days = sorted({str(v.day) for v in others})
        return f", which receives other groups on {', '.join(days)} (visit_per_day)"
    return ""


def _term_report(ctx: _Context, term: TermValue) -> TermReport:
    builders = {
        "partnership": _partner_matches,
        "revisit": _revisit_matches,
        "season_spread": _season_spread_matches,
        "host_relief": _relief_matches,
        "thematic_fit": _fit_matches,
        "country_mix": _country_matches,
        "organisation": _organisation_matches,
        "wishes": _wish_matches,
        "host_spread": _spread_matches,
        "fit_floor": _floor_matches,
        "worst_fit": _worst_fit_matches,
        "travel": _travel_matches,
        "visit_fit": _visit_matches,
    }
    build = builders.get(term.name)
    return TermReport(
        name=term.name,
        sense=term.sense,
        weight=term.weight,
        value=term.value,
        contribution=term.contribution,
        matches=build(ctx) if build is not None else [],
    )


# --------------------------------------------------------------------------------------
# Teams
# --------------------------------------------------------------------------------------


def _theme_matches(members: Sequence[Participant], host: Host) -> list[ThemeMatch]:
    """Split the members' summed fit by theme: sum_m fit(m) = sum_t s[t] * sum_m share[m, t]."""
    strength = {tag.casefold(): s for tag, s in host.themes.items()}
    spelling = {tag.casefold(): tag for tag in host.themes}
    share: dict[str, float] = defaultdict(float)
    for p in members:
        total = sum(p.themes.values())
        if total <= 0:
            continue
        for tag, weight in p.themes.items():
            if weight > 0:
                share[tag.casefold()] += weight / total
                spelling.setdefault(tag.casefold(), tag)
    matches = [
        ThemeMatch(
            theme=spelling[key],
            strength=strength.get(key, 0.0),
            share=value,
            contribution=strength.get(key, 0.0) * value,
        )
        for key, value in share.items()
    ]
    return sorted(matches, key=lambda m: (-m.contribution, -m.share, m.theme))


def _team_costs(ctx: _Context, team: Team, members: Sequence[Participant]) -> list[str]:
    """The soft rules this team falls short on, with a weight above zero."""
    problem, weights = ctx.problem, ctx.problem.weights
    costs: list[str] = []
    if problem.rules.organisation == "apart" and weights.organisation > 0:
        for org, ids in _colleagues(members).items():
            bound = [m for m in ids[1:] if m in ctx.together_with(ids[0])]
            note = " and must travel together (keep_together)" if bound else ""
            costs.append(f"organisation: {_and(ids)} are colleagues ({org}){note}")
    if problem.rules.organisation == "together" and weights.organisation > 0:
        for _, org, teams, _ in _org_splits(ctx):
            if team.id in teams:
                costs.append(f"organisation: colleagues of {org} are split over {', '.join(teams)}")
    if problem.rules.mixed_countries != "off" and weights.country_mix > 0 and len(members) >= 2:
        countries = [p.country for p in members]
        distinct = _unique(countries)
        reachable = min(len(members), len(ctx.cohort_countries.get(team.cohort, ())))
        if len(distinct) < reachable:
            if len(distinct) == 1:
                costs.append(f"country_mix: single country ({distinct[0]})")
            else:
                repeated = _and(
                    [f"{countries.count(c)} from {c}" for c in distinct if countries.count(c) > 1]
                )
                costs.append(
                    f"country_mix: {len(members)} members from {len(distinct)} countries "
                    f"({repeated})"
                )
    if weights.wishes > 0:
        for p in members:
            ranks = p.wish_ranks()
            if not p.wishes or ranks.get(team.host) == 1:
                continue
            if team.host in ranks:
                costs.append(
                    f"wishes: {p.id} got wish {ranks[team.host]}, "
                    f"not wish 1 ({_wish_entry(p.wishes[0])})"
                )
            else:
                costs.append(f"wishes: {p.id} got none of their wishes ({_wish_text(p)})")
    return costs + _season_costs(ctx, team, members)


def _season_costs(ctx: _Context, team: Team, members: Sequence[Participant]) -> list[str]:
    """Partnership, revisit and host relief shortfalls of one team (weights above 0)."""
    problem, weights = ctx.problem, ctx.problem.weights
    host = ctx.hosts.get(team.host)
    if host is None:
        return []
    costs: list[str] = []
    if problem.rules.partnership == "soft" and weights.partnership > 0:
        for p in members:
            partners = [h.id for h in problem.hosts if is_partner(h, p)]
            if partners and team.host not in partners:
                costs.append(f"partnership: {p.id} is not at a partner host ({_some(partners)})")
    if problem.rules.revisit == "soft" and weights.revisit > 0:
        for p in members:
            seasons = visited_before(problem, p, team.host)
            if seasons:
                costs.append(
                    f"revisit: {p.organisation} ({p.id}) visited {host.name} in "
                    f"{', '.join(seasons)}"
                )
    relief = _relief_reason(ctx, team)
    if relief is not None and weights.host_relief > 0:
        costs.append(f"host_relief: {relief}")
    return costs


def _team_why(
    ctx: _Context,
    team: Team,
    members: Sequence[Participant],
    themes: Sequence[ThemeMatch],
    fit: float,
    costs: Sequence[str],
) -> str:
    name = ctx.host_name(team.host) or f"unknown host {team.host}"
    covered = [m.theme for m in themes if m.contribution > 0][:2]
    if covered:
        parts = [
            f"{name} covers {_and(covered)} for its {len(members)} members (mean fit {fit:.2f})"
        ]
    else:
        parts = [f"{name} offers none of its members' themes (mean fit {fit:.2f})"]
    countries = _unique(p.country for p in members)
    parts.append(f"{len(countries)} countr{'y' if len(countries) == 1 else 'ies'}")
    ids = {p.id for p in members}
    pinned = [p.id for p in members if ctx.pinned_to(p.id) == team.host]
    if pinned:
        parts.append(f"{_and(pinned)} {'is' if len(pinned) == 1 else 'are'} pinned here")
    for group in ctx.problem.keep_together:
        if set(group.members) <= ids:
            parts.append(f"{_and(group.members)} must travel together")
    if costs:
        parts.append(f"it falls short on {len(costs)} soft rule{'s' * (len(costs) != 1)}")
    return "; ".join(parts) + "."


def _team_report(ctx: _Context, team: Team) -> TeamReport:
    members = ctx.known(team)
    host = ctx.hosts.get(team.host)
    if host is None:
        fits: list[float] = []
        themes: list[ThemeMatch] = []
        affinity: list[str] = []
        member_languages: dict[str, list[str]] = {}
        shared: list[str] = []
        honoured: list[str] = []
    else:
        fits = [ctx.fit(p.id, host.id) for p in members]
        affinity = [p.id for p in members if (p.id, host.id) in ctx.affinity]
        themes = _theme_matches([p for p in members if p.id not in affinity], host)
        member_languages = {
            p.id: [lang for lang in host.languages if lang.casefold() in _fold(p.languages)]
            for p in members
        }
        shared = [
            lang
            for lang in host.languages
            if members and all(lang in langs for langs in member_languages.values())
        ]
        honoured = [
            f"{p.id} (wish {p.wish_ranks()[host.id]})" for p in members if host.id in p.wish_ranks()
        ]
    fit_sum = float(sum(fits))
    fit = fit_sum / len(fits) if fits else 0.0
    costs = _team_costs(ctx, team, members)
    return TeamReport(
        id=team.id,
        cohort=team.cohort,
        host=team.host,
        host_name=ctx.host_name(team.host),
        members=list(team.members),
        countries=_unique(p.country for p in members),
        fit=fit,
        fit_sum=fit_sum,
        themes=themes,
        affinity_members=affinity,
        shared_languages=shared,
        member_languages=member_languages,
        wishes_honoured=honoured,
        travel_cost=_trip(ctx, team),
        pays_for=costs,
        why=_team_why(ctx, team, members, themes, fit, costs),
    )


# --------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------


def _exclusions(ctx: _Context, row: int) -> dict[str, list[str]]:
    hosts = ctx.problem.hosts
    out: dict[str, list[str]] = {}
    for rule in PAIR_RULES:
        closed = np.flatnonzero(~ctx.index.pair_masks[rule][row])
        if closed.size:
            out[rule] = [hosts[int(j)].id for j in closed]
    return out


def _exclusion_text(ctx: _Context, participant_id: str, excluded: dict[str, list[str]]) -> str:
    if not excluded:
        return "no pair rule closes any host to them"
    parts = []
    for rule, hosts in excluded.items():
        if rule == "pin":
            parts.append(f"pin (to {ctx.pinned_to(participant_id)}) closes the other {len(hosts)}")
        else:
            parts.append(f"{rule} closes {_some(hosts)}")
    return "; ".join(parts)


def _rule_facts(ctx: _Context, p: Participant) -> list[str]:
    """Hard rules that bind this participant, stated without claiming they decided anything."""
    facts = []
    together = ctx.together_with(p.id)
    if together:
        facts.append(f"must travel with {_and(together)} (keep_together)")
    apart = ctx.apart_from(p.id)
    if apart:
        facts.append(f"must not share a team with {_and(apart)} (keep_apart)")
    return facts


@dataclass(frozen=True)
class _Options:
    """The hosts open to one participant, their fits, and the best-fitting open one."""

    open_row: npt.NDArray[np.bool_]
    fits: npt.NDArray[np.float64]
    count: int
    best_row: int | None


@dataclass
class _Standing:
    """Where a participant's host stands among their options: the report's figures and
    the sentences of its ``why``."""

    sentences: list[str]
    fit: float | None = None
    rank: int | None = None
    best_id: str | None = None
    best_fit: float | None = None
    wish_rank: int | None = None


def _options(index: ProblemIndex, row: int) -> _Options:
    open_row = index.allowed[row]
    count = int(open_row.sum())
    fits = index.fit[row]
    best_row = int(np.argmax(np.where(open_row, fits, -np.inf))) if count else None
    return _Options(open_row, fits, count, best_row)


def _participant_report(ctx: _Context, p: Participant) -> ParticipantReport:
    """Where the participant goes, how that host ranks among those open to them, and why."""
    row = ctx.index.participant_pos[p.id]
    options = _options(ctx.index, row)
    excluded = _exclusions(ctx, row)
    placed = ctx.teams_of.get(p.id, [])
    team = placed[0] if placed else None
    if team is None:
        standing = _Standing(_unplaced_sentences(ctx, p, options, excluded))
    elif team.host not in ctx.index.host_pos:
        standing = _Standing([f"Their team {team.id} goes to unknown host {team.host}"])
    else:
        standing = _placed_standing(ctx, p, team.host, options, excluded)
    sentences = standing.sentences
    if len(placed) > 1:
        sentences.append(f"they are also listed in {', '.join(t.id for t in placed[1:])}")
    sentences += _rule_facts(ctx, p)
    return ParticipantReport(
        id=p.id,
        name=p.name,
        cohort=p.cohort,
        country=p.country,
        team=team.id if team else None,
        host=team.host if team else None,
        host_name=ctx.host_name(team.host) if team else None,
        fit=standing.fit,
        host_rank=standing.rank,
        open_hosts=options.count,
        best_open_host=standing.best_id,
        best_open_host_name=ctx.host_name(standing.best_id),
        best_open_fit=standing.best_fit,
        wish_rank=standing.wish_rank,
        excluded_by=excluded,
        why="; ".join(sentences) + ".",
    )


def _unplaced_sentences(
    ctx: _Context, p: Participant, options: _Options, excluded: dict[str, list[str]]
) -> list[str]:
    """An unplaced participant: how many hosts were open to them and which rules close the rest."""
    sentences = ["Not placed in any team"]
    if options.best_row is not None:
        best_host = ctx.problem.hosts[options.best_row]
        sentences.append(
            f"{options.count} host{'s are' if options.count != 1 else ' is'} open to them "
            f"(best fit {best_host.name}, {float(options.fits[options.best_row]):.2f})"
        )
    else:
        sentences.append("no host is open to them")
    sentences.append(_exclusion_text(ctx, p.id, excluded))
    return sentences


def _placed_standing(
    ctx: _Context,
    p: Participant,
    host_id: str,
    options: _Options,
    excluded: dict[str, list[str]],
) -> _Standing:
    """A known host: its rank by fit among the open hosts (or the rules that close it to
    the participant), then whether it was one of their wishes."""
    col = ctx.index.host_pos[host_id]
    fit = float(options.fits[col])
    if options.open_row[col]:
        standing = _ranked(ctx, p, host_id, fit, options)
    else:
        closing = [rule for rule, hosts in excluded.items() if host_id in hosts]
        standing = _Standing(
            [
                f"{ctx.host_name(host_id)} (fit {fit:.2f}) is closed to them by "
                f"{_and(closing)}: the allocation breaks a hard rule"
            ],
            fit=fit,
        )
    standing.wish_rank = p.wish_ranks().get(host_id)
    if standing.wish_rank is not None:
        standing.sentences.append(f"it is their wish {standing.wish_rank}")
    elif p.wishes:
        standing.sentences.append(f"none of their wishes ({_wish_text(p)}) was met")
    return standing


def _ranked(
    ctx: _Context, p: Participant, host_id: str, fit: float, options: _Options
) -> _Standing:
    """An open host ranked by fit among the participant's open hosts: the only one, a tie
    for best, the best, or behind the best-fit open host (named)."""
    name = ctx.host_name(host_id)
    open_row, fits, open_count = options.open_row, options.fits, options.count
    better = open_row & (fits > fit + _TIE)
    ties = int((open_row & (np.abs(fits - fit) <= _TIE)).sum()) - 1
    standing = _Standing([], fit=fit, rank=1 + int(better.sum()))
    if open_count == 1:
        pin = "pinned to " if ctx.pinned_to(p.id) == host_id else ""
        sentence = f"{pin.capitalize()}{name}, the only host open to them (fit {fit:.2f})"
    elif standing.rank == 1 and ties:
        sentence = (
            f"{name} ties for best fit ({fit:.2f}) with {ties} other of their "
            f"{open_count} open hosts"
        )
    elif standing.rank == 1:
        sentence = f"{name} is the best fit ({fit:.2f}) of their {open_count} open hosts"
    else:
        assert options.best_row is not None
        best = ctx.problem.hosts[options.best_row]
        standing.best_id, standing.best_fit = best.id, float(fits[options.best_row])
        sentence = (
            f"Ranked {standing.rank} of {open_count} open hosts by fit ({fit:.2f}); "
            f"the best-fit open host is {best.name} ({standing.best_fit:.2f})"
        )
    standing.sentences.append(sentence)
    return standing


# --------------------------------------------------------------------------------------
# Entry point and text
# --------------------------------------------------------------------------------------


def explain(problem: Problem, allocation: Allocation) -> Explanation:
    """Explain every choice of ``allocation`` for ``problem``; never raises on broken answers.

    Term values come from :func:`icld_match.analysis.check.score` and rule breaches from
    :func:`icld_match.analysis.check.check`, so the explanation agrees with the validator.
    """
    ctx = _Context(problem, allocation)
    rules = _rule_reports(problem, allocation)
    terms = [_term_report(ctx, t) for t in score(problem, allocation)]
    return Explanation(
        status=allocation.status,
        objective=sum((t.contribution for t in terms), 0.0),
        solver_objective=allocation.objective,
        valid=all(r.holds for r in rules),
        reasons=list(allocation.reasons),
        rules=rules,
        terms=terms,
        teams=[_team_report(ctx, t) for t in allocation.teams],
        participants=[_participant_report(ctx, p) for p in problem.participants],
        fairness=[*_worst_fit_matches(ctx), *_floor_matches(ctx)] if _placed_fits(ctx) else [],
        travel_by_cohort=_travel_by_cohort(ctx) if uses_travel(problem) else {},
        visits=_visit_reports(ctx),
    )


def _cut(lines: Sequence[str], limit: int, indent: str) -> list[str]:
    shown = [f"{indent}{line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"{indent}… and {len(lines) - limit} more")
    return shown


def _render(e: Explanation, limit: int) -> str:
    """The report as text: a headline, then one section per part of the explanation."""
    lines = _headline(e)
    lines += _rule_section(e, limit)
    lines += _term_section(e, limit)
    if e.travel_by_cohort:
        lines += ["", "Travel by cohort"]
        lines += [f"  {c}: {sek:,.2f} SEK" for c, sek in e.travel_by_cohort.items()]
    lines += _team_section(e)
    if e.fairness:
        lines += ["", "Fairness", *(f"  {line}" for line in e.fairness)]
    lines += _visit_section(e)
    lines += _participant_section(e)
    return "\n".join(lines)


def _headline(e: Explanation) -> list[str]:
    """Status, objective (and the solver's own figure), validity and the solver's reasons."""
    solver = (
        f" (solver reported {e.solver_objective:.3f})" if e.solver_objective is not None else ""
    )
    broken = sum(len(r.violations) for r in e.rules)
    lines = [
        f"status: {e.status.value}  objective {e.objective:.3f}{solver}",
        "every hard rule holds" if e.valid else f"INVALID: {broken} hard-rule breaches",
    ]
    return lines + [f"reason: {r}" for r in e.reasons]


def _rule_section(e: Explanation, limit: int) -> list[str]:
    """One line per hard rule with its state, then its first ``limit`` breaches."""
    lines = ["", "Hard rules"]
    width = max(len(r.name) for r in e.rules) + 2
    for rule in e.rules:
        if not rule.applies:
            state = "not a hard rule in this problem"
        elif rule.holds:
            state = "holds"
        else:
            state = f"BROKEN ({len(rule.violations)})"
        lines.append(f"  {rule.name:<{width}}{state}")
        lines += _cut(rule.violations, limit, "    - ")
    return lines


def _term_section(e: Explanation, limit: int) -> list[str]:
    """One line per objective term (value x weight = contribution), then its first matches."""
    lines = ["", "Objective by term"]
    for term in e.terms:
        lines.append(
            f"  {term.name:<14}{term.sense:<8}{term.value:>9.3f} x {term.weight:.2f} = "
            f"{term.contribution:+.3f}"
        )
        lines += _cut(term.matches, limit, "    ")
    return lines


def _team_section(e: Explanation) -> list[str]:
    """Every team: host, members, themes, languages, wishes, travel and why."""
    people = {p.id: p for p in e.participants}
    lines = ["", "Teams"]
    for team in e.teams:
        host = f"{team.host_name} ({team.host})" if team.host_name else f"unknown host {team.host}"
        lines.append(f"  {team.id}  {team.cohort}  {host}  mean fit {team.fit:.2f}")
        members = [
            f"{m} {people[m].name} ({people[m].country})" if m in people else f"{m} (unknown)"
            for m in team.members
        ]
        lines.append(f"    members: {', '.join(members)}")
        lines += _team_theme_lines(team)
        lines.append(_team_language_line(team))
        if team.wishes_honoured:
            lines.append(f"    wishes honoured: {', '.join(team.wishes_honoured)}")
        if e.travel_by_cohort:
            lines.append(f"    travel: {team.travel_cost:,.2f} SEK")
        lines += [f"    pays for {cost}" for cost in team.pays_for]
        lines.append(f"    why: {team.why}")
    return lines


def _team_theme_lines(team: TeamReport) -> list[str]:
    """How the host's themes make up the team's fit, what it lacks, and any affinity."""
    offered = [
        f"{t.theme} {t.strength:.2f} x {t.share:.2f} = {t.contribution:.2f}"
        for t in team.themes
        if t.contribution > 0
    ]
    missing = [t.theme for t in team.themes if t.contribution <= 0]
    lines = [f"    themes (strength x share = fit): {', '.join(offered) or 'none'}"]
    if missing:
        lines.append(f"    not offered: {', '.join(missing)}")
    if team.affinity_members:
        lines.append(f"    fit set by affinity: {', '.join(team.affinity_members)}")
    return lines


def _team_language_line(team: TeamReport) -> str:
    """The languages the whole team shares or, if none, what each member shares with the host."""
    if team.shared_languages or not team.member_languages:
        return f"    languages shared by all: {', '.join(team.shared_languages) or 'none'}"
    each = [f"{m} {'/'.join(langs) or 'none'}" for m, langs in team.member_languages.items()]
    return f"    no language shared by all; with the host: {', '.join(each)}"


def _visit_section(e: Explanation) -> list[str]:
    """Every study visit: host, day, fit and why (nothing when the problem has none)."""
    lines = ["", "Study visits"] if e.visits else []
    for visit in e.visits:
        host = f"{visit.host_name} ({visit.host})" if visit.host_name else visit.host
        lines.append(f"  {visit.visit}  {visit.cohort}  {host}  {visit.day}  fit {visit.fit:.2f}")
        lines.append(f"    why: {visit.why}")
    return lines


def _participant_section(e: Explanation) -> list[str]:
    """Every participant: where they go, how that host ranks for them, and why."""
    lines = ["", "Participants"]
    for p in e.participants:
        if p.team is None:
            where = "unplaced"
        else:
            where = f"{p.team} at {p.host_name or p.host}"
            if p.fit is not None:
                where += f", fit {p.fit:.2f}"
            if p.host_rank is not None:
                plural = "s" * (p.open_hosts != 1)
                where += f", rank {p.host_rank} of {p.open_hosts} open host{plural}"
        lines.append(f"  {p.id} {p.name} ({p.country}): {where}")
        lines.append(f"    {p.why}")
    return lines
