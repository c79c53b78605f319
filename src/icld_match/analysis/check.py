"""An independent referee for allocations: hard-rule breaches and objective terms.

Written from the rules alone, without looking at how the solver models them, so that
the solver's answers can be verified by a second implementation. Everything here is
plain Python over the problem's records; nothing assumes the allocation came from
CP-SAT, is complete or is even well formed (unknown ids, duplicates and wrong dates are
reported, never raised).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from math import asin, cos, radians, sin, sqrt
from typing import Literal

from ..records.catalogue import CHECKED_RULES, TERMS
from ..records.normalise import canonical_country
from ..records.result import Allocation, Team, TermValue, Visit
from ..records.schema import (
    Cohort,
    Host,
    Participant,
    Problem,
    Rules,
    StudyVisit,
    study_visit_days,
)

__all__ = [
    "RULES",
    "TERMS",
    "Violation",
    "check",
    "lowest_fit",
    "objective",
    "score",
    "team_travel_cost",
    "thematic_fit",
    "visit_travel_cost",
]

#: Hard-rule names, in the order :func:`check` reports them (from the rule catalogue).
RULES: tuple[str, ...] = CHECKED_RULES


@dataclass(frozen=True)
class Violation:
    """One breach of a hard rule, named so that reports and tests can group and match it."""

    rule: str
    message: str
    records: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


# --------------------------------------------------------------------------------------
# Lookups shared by the checks and the score
# --------------------------------------------------------------------------------------


def _fold(tags: Iterable[str]) -> frozenset[str]:
    """Tags ignore case, so every comparison goes through casefold."""
    return frozenset(t.casefold() for t in tags)


@dataclass(frozen=True)
class _Index:
    """Id lookups built once per call, so each check stays linear in the allocation."""

    cohorts: dict[str, Cohort]
    participants: dict[str, Participant]
    hosts: dict[str, Host]
    affinity: dict[tuple[str, str], float]
    rules: Rules

    @classmethod
    def of(cls, problem: Problem) -> _Index:
        return cls(
            cohorts={c.id: c for c in problem.cohorts},
            participants={p.id: p for p in problem.participants},
            hosts={h.id: h for h in problem.hosts},
            affinity={(a.participant, a.host): a.value for a in problem.affinities},
            rules=problem.rules,
        )

    def known_members(self, team: Team) -> list[Participant]:
        """Members that are real participants; unknown ids are the placement check's job."""
        return [self.participants[m] for m in team.members if m in self.participants]


def _ids(values: Iterable[str]) -> str:
    return ", ".join(values)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Ids in first-seen order without repeats, for a violation's records."""
    return tuple(dict.fromkeys(values))


def _spans(spans: Sequence[tuple[date, date]]) -> str:
    """Inclusive day spans as compact 'a..b' text, merging spans that touch."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and first.toordinal() <= merged[-1][1].toordinal() + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in merged)


# --------------------------------------------------------------------------------------
# Hard rules
# --------------------------------------------------------------------------------------


def _check_placement(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[Violation]:
    """Everyone is placed once, and teams hold no one the problem does not know."""
    out: list[Violation] = []
    where: dict[str, list[str]] = defaultdict(list)
    for team in teams:
        for m in team.members:
            if m not in index.participants:
                out.append(
                    Violation(
                        "placement", f"team {team.id} has unknown participant {m}", (m, team.id)
                    )
                )
            else:
                where[m].append(team.id)
    for p in problem.participants:
        placed = where.get(p.id, [])
        if not placed:
            out.append(Violation("placement", f"participant {p.id} is in no team", (p.id,)))
        elif len(placed) > 1:
            out.append(
                Violation(
                    "placement",
                    f"participant {p.id} is placed {len(placed)} times (teams {_ids(placed)})",
                    (p.id, *_unique(placed)),
                )
            )
    return out


def _check_team_ids(teams: Sequence[Team]) -> list[Violation]:
    """Team ids label the allocation, so two teams must never share one."""
    counts = Counter(t.id for t in teams)
    return [
        Violation("team_ids", f"team id {tid} is used by {n} teams", (tid,))
        for tid, n in counts.items()
        if n > 1
    ]


def _check_team_cohort(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """A team travels with one known cohort and holds only that cohort's participants."""
    out: list[Violation] = []
    for team in teams:
        if team.cohort not in index.cohorts:
            out.append(
                Violation(
                    "team_cohort",
                    f"team {team.id} names unknown cohort {team.cohort}",
                    (team.id, team.cohort),
                )
            )
            continue
        for p in index.known_members(team):
            if p.cohort != team.cohort:
                out.append(
                    Violation(
                        "team_cohort",
                        f"team {team.id} of cohort {team.cohort} holds {p.id} of cohort {p.cohort}",
                        (team.id, p.id, team.cohort),
                    )
                )
    return out


def _check_team_size(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """Team sizes stay inside the cohort's bounds."""
    out: list[Violation] = []
    for team in teams:
        cohort = index.cohorts.get(team.cohort)
        if cohort is None:
            continue
        size, bounds = len(team.members), cohort.team_size
        if not bounds.min <= size <= bounds.max:
            out.append(
                Violation(
                    "team_size",
                    f"team {team.id} has {size} members; cohort {cohort.id} allows "
                    f"{bounds.min} to {bounds.max}",
                    (team.id, cohort.id),
                )
            )
    return out


def _check_host_known(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """Every team goes to a host of the problem."""
    return [
        Violation("host_known", f"team {t.id} goes to unknown host {t.host}", (t.id, t.host))
        for t in teams
        if t.host not in index.hosts
    ]


def _check_team_dates(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """A team's dates are its cohort's internship; with a window, ``internship_days``
    consecutive days inside it, the same for every team of the cohort under per_cohort."""
    out: list[Violation] = []
    first_start: dict[str, Team] = {}
    per_cohort = index.rules.internship_dates == "per_cohort"
    for team in teams:
        cohort = index.cohorts.get(team.cohort)
        if cohort is None:
            continue
        wrong = _wrong_dates(cohort, team)
        if wrong:
            out.append(Violation("team_dates", wrong, (team.id, cohort.id)))
            continue
        earlier = first_start.setdefault(cohort.id, team)
        if per_cohort and cohort.window is not None and earlier.start != team.start:
            out.append(
                Violation(
                    "team_dates",
                    f"teams {earlier.id} and {team.id} of cohort {cohort.id} go on different "
                    f"days ({earlier.start} and {team.start}) but rules.internship_dates is "
                    "per_cohort",
                    (team.id, earlier.id, cohort.id),
                )
            )
    return out


def _wrong_dates(cohort: Cohort, team: Team) -> str | None:
    """Why the team's dates cannot be its cohort's, or None when they can."""
    runs = f"team {team.id} runs {team.start}..{team.end}"
    if cohort.internship is not None:
        fixed = cohort.internship
        if (team.start, team.end) != (fixed.start, fixed.end):
            return f"{runs} but cohort {cohort.id}'s internship is {fixed.start}..{fixed.end}"
        return None
    window = cohort.window
    if window is None:
        return None
    length = team.end.toordinal() - team.start.toordinal() + 1
    if length != cohort.internship_days:
        return f"{runs}, {length} days, but cohort {cohort.id} has {cohort.internship_days}"
    if team.start < window.start or team.end > window.end:
        return f"{runs}, outside cohort {cohort.id}'s window {window.start}..{window.end}"
    return None


_ISO_WEEKDAY = {1: "mon", 2: "tue", 3: "wed", 4: "thu", 5: "fri", 6: "sat", 7: "sun"}


def _closed_spans(host: Host, start: date, end: date) -> list[tuple[int, int]]:
    """Day ordinals (first, last) in start..end on which the host cannot receive: gaps
    between its available ranges (the ranges form one set of days), blackout ranges and
    closed weekdays (at most three dates each, enough to name the breach). Worked on
    ordinals and intervals, so a malformed team spanning millennia costs no more."""
    a, b = start.toordinal(), end.toordinal()
    spans: list[tuple[int, int]] = []
    if host.available is not None:
        cursor = a
        for r in sorted(host.available, key=lambda r: r.start):
            lo, hi = r.start.toordinal(), r.end.toordinal()
            if lo > cursor:
                spans.append((cursor, min(lo - 1, b)))
            cursor = max(cursor, hi + 1)
            if cursor > b:
                break
        if cursor <= b:
            spans.append((cursor, b))
    for r in host.blackout:
        lo, hi = max(a, r.start.toordinal()), min(b, r.end.toordinal())
        if lo <= hi:
            spans.append((lo, hi))
    for offset in range(min(7 * 3, b - a + 1)):
        if _ISO_WEEKDAY[date.fromordinal(a + offset).isoweekday()] in host.closed_weekdays:
            spans.append((a + offset, a + offset))
    return [s for s in sorted(spans) if s[0] <= b]


def _spans_text(spans: list[tuple[int, int]]) -> str:
    shown = [
        str(date.fromordinal(lo)) if lo == hi else f"{date.fromordinal(lo)}..{date.fromordinal(hi)}"
        for lo, hi in spans[:5]
    ]
    return _ids(shown) + (", ..." if len(spans) > 5 else "")


def _check_host_dates(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """A host receives a team only if it is open on every day the team is there."""
    out: list[Violation] = []
    for team in teams:
        cohort, host = index.cohorts.get(team.cohort), index.hosts.get(team.host)
        if cohort is None or host is None or team.end < team.start:
            continue
        closed = _closed_spans(host, team.start, team.end)
        if closed:
            out.append(
                Violation(
                    "host_dates",
                    f"host {host.id} cannot receive team {team.id} of cohort {cohort.id} on "
                    f"{_spans_text(closed)} (team dates {team.start}..{team.end})",
                    (team.id, host.id, cohort.id),
                )
            )
    return out


def _check_host_capacity(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """No host receives more teams or participants on any one day than it can take.

    Days are swept as intervals between team boundaries (not day by day), and days with
    the same set of present teams are reported together as one breach.
    """
    out: list[Violation] = []
    by_host: dict[str, list[Team]] = defaultdict(list)
    for team in teams:
        if team.host in index.hosts and team.start <= team.end:
            by_host[team.host].append(team)
    for host_id, host_teams in by_host.items():
        cap = index.hosts[host_id].capacity
        # day ordinals, so that a team ending on date.max cannot overflow
        bounds = [(t.start.toordinal(), t.end.toordinal(), t) for t in host_teams]
        cuts = sorted({lo for lo, _, _ in bounds} | {hi + 1 for _, hi, _ in bounds})
        breaches: dict[tuple[int, ...], tuple[list[Team], list[tuple[date, date]]]] = {}
        for first, after in pairwise(cuts):
            present = [t for lo, hi, t in bounds if lo <= first and after - 1 <= hi]
            people = sum(len(t.members) for t in present)
            if len(present) > cap.max_teams or people > cap.max_participants:
                key = tuple(id(t) for t in present)
                span = (date.fromordinal(first), date.fromordinal(after - 1))
                breaches.setdefault(key, (present, []))[1].append(span)
        for present, spans in breaches.values():
            people = sum(len(t.members) for t in present)
            team_ids = [t.id for t in present]
            out.append(
                Violation(
                    "host_capacity",
                    f"host {host_id} receives {len(present)} teams (limit {cap.max_teams}) and "
                    f"{people} participants (limit {cap.max_participants}) on {_spans(spans)}: "
                    f"teams {_ids(team_ids)}",
                    (host_id, *_unique(team_ids)),
                )
            )
    return out


def _check_season_cap(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """A host's season cap bounds its teams over all cohorts of the problem."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for team in teams:
        by_host[team.host].append(team.id)
    out: list[Violation] = []
    for host_id, team_ids in by_host.items():
        host = index.hosts.get(host_id)
        if host is None or host.season_max_teams is None:
            continue
        if len(team_ids) > host.season_max_teams:
            out.append(
                Violation(
                    "season_cap",
                    f"host {host_id} receives {len(team_ids)} teams this season "
                    f"(cap {host.season_max_teams}): {_ids(team_ids)}",
                    (host_id, *_unique(team_ids)),
                )
            )
    return out


# Travel (README "Travel costs and budgets"): written again here, apart from the index's
# records.travel, so that a slip in one is caught by the other.
_EARTH_KM = 6371.0088
#: A plan may exceed a budget by less than one öre (float rounding of sums only).
_BUDGET_SLACK = 0.005


def _km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km (haversine) on a sphere of the Earth's mean radius."""
    p1, p2 = radians(lat1), radians(lat2)
    half = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_KM * asin(min(1.0, sqrt(half)))


def team_travel_cost(problem: Problem, cohort: Cohort, host: Host) -> float:
    """SEK of one team's return trip, rounded to the öre: a supplied cost wins; else
    2 x km x road factor x cost per km + cost per trip; 0 without base or location."""
    for given in problem.travel_costs:
        if given.cohort == cohort.id and given.host == host.id:
            return round(given.cost * 100) / 100
    if cohort.base is None or host.location is None:
        return 0.0
    km = _km_between(cohort.base.lat, cohort.base.lon, host.location.lat, host.location.lon)
    t = problem.travel
    return round((2 * km * t.road_factor * t.cost_per_km + t.cost_per_trip) * 100) / 100


def visit_travel_cost(problem: Problem, cohort: Cohort, host: Host) -> float:
    """SEK of one study visit (the whole group's return trip), rounded to the öre:
    group factor x the team's distance-based trip; supplied costs are for teams only."""
    if cohort.base is None or host.location is None:
        return 0.0
    km = _km_between(cohort.base.lat, cohort.base.lon, host.location.lat, host.location.lon)
    t = problem.travel
    team_trip = round((2 * km * t.road_factor * t.cost_per_km + t.cost_per_trip) * 100) / 100
    return round(t.group_factor * team_trip * 100) / 100


def _trip_costs(
    index: _Index,
    problem: Problem,
    trips: Sequence[Team] | Sequence[Visit],
    cost: Callable[[Problem, Cohort, Host], float],
) -> list[float]:
    """Each trip's cost (0 for one naming an unknown cohort or host)."""
    return [
        cost(problem, index.cohorts[t.cohort], index.hosts[t.host])
        if t.cohort in index.cohorts and t.host in index.hosts
        else 0.0
        for t in trips
    ]


def _visit_costs(index: _Index, problem: Problem, visits: Sequence[Visit]) -> list[float]:
    """Each planned visit's trip cost."""
    return _trip_costs(index, problem, visits, visit_travel_cost)


def _team_costs(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[float]:
    """Each team's trip cost."""
    return _trip_costs(index, problem, teams, team_travel_cost)


def _check_travel_budget(
    index: _Index, problem: Problem, teams: Sequence[Team], visits: Sequence[Visit]
) -> list[Violation]:
    """A cohort's teams and study visits, and all of the season's, travel within their
    budgets."""
    trips = [
        (t.cohort, f"team {t.id}", cost)
        for t, cost in zip(teams, _team_costs(index, problem, teams), strict=True)
    ] + [
        (v.cohort, f"visit {v.visit}", cost)
        for v, cost in zip(visits, _visit_costs(index, problem, visits), strict=True)
    ]
    out: list[Violation] = []
    for cohort in problem.cohorts:
        if cohort.travel_budget is None:
            continue
        mine = [(what, cost) for owner, what, cost in trips if owner == cohort.id]
        spent = sum(cost for _, cost in mine)
        if spent > cohort.travel_budget + _BUDGET_SLACK:
            out.append(
                Violation(
                    "travel_budget",
                    f"cohort {cohort.id}'s trips cost {spent:,.2f} SEK, above its budget "
                    f"of {cohort.travel_budget:,.2f} SEK: {_ids(w for w, _ in mine)}",
                    (cohort.id, *_unique(w.split(" ", 1)[1] for w, _ in mine)),
                )
            )
    spent = sum(cost for _, _, cost in trips)
    if problem.travel_budget is not None and spent > problem.travel_budget + _BUDGET_SLACK:
        out.append(
            Violation(
                "travel_budget",
                f"the season's trips (cohorts {_ids(c.id for c in problem.cohorts)}) cost "
                f"{spent:,.2f} SEK, above the season budget of "
                f"{problem.travel_budget:,.2f} SEK",
                tuple(c.id for c in problem.cohorts),
            )
        )
    return out


def _check_member_host_fit(index: _Index, teams: Sequence[Team]) -> list[Violation]:
    """Per member: a shared language, every access need met, and no blocked host.

    Returned grouped by rule (all language breaches, then access, then blocked).
    """
    language: list[Violation] = []
    access: list[Violation] = []
    blocked: list[Violation] = []
    for team in teams:
        host = index.hosts.get(team.host)
        if host is None:
            continue
        host_languages, host_access = _fold(host.languages), _fold(host.accessibility)
        for p in index.known_members(team):
            records = (p.id, host.id, team.id)
            if not _fold(p.languages) & host_languages:
                language.append(
                    Violation(
                        "language",
                        f"{p.id} ({_ids(p.languages)}) shares no language with host {host.id} "
                        f"({_ids(host.languages)}) in team {team.id}",
                        records,
                    )
                )
            missing = [n for n in p.access_needs if n.casefold() not in host_access]
            if missing:
                access.append(
                    Violation(
                        "access",
                        f"host {host.id} does not offer {_ids(missing)} needed by {p.id} "
                        f"in team {team.id}",
                        records,
                    )
                )
            if host.id in p.blocked_hosts:
                blocked.append(
                    Violation(
                        "blocked",
                        f"{p.id} is sent to blocked host {host.id} in team {team.id}",
                        records,
                    )
                )
    return language + access + blocked


def _teams_of(teams: Sequence[Team]) -> dict[str, list[Team]]:
    """Participant id -> every team listing it (more than one only in broken allocations)."""
    where: dict[str, list[Team]] = defaultdict(list)
    for team in teams:
        for m in team.members:
            where[m].append(team)
    return where


def _check_pins(problem: Problem, where: dict[str, list[Team]]) -> list[Violation]:
    """A pinned participant is placed, and placed only at the pinned host."""
    out: list[Violation] = []
    for pin in problem.pins:
        placed = where.get(pin.participant, [])
        if not placed:
            out.append(
                Violation(
                    "pin",
                    f"{pin.participant} is pinned to host {pin.host} but is in no team",
                    (pin.participant, pin.host),
                )
            )
            continue
        wrong = [t for t in placed if t.host != pin.host]
        if wrong:
            out.append(
                Violation(
                    "pin",
                    f"{pin.participant} is pinned to host {pin.host} but team {wrong[0].id} "
                    f"goes to {wrong[0].host}",
                    (pin.participant, pin.host, *_unique(t.id for t in wrong)),
                )
            )
    return out


def _check_keep_together(
    problem: Problem, teams: Sequence[Team], where: dict[str, list[Team]]
) -> list[Violation]:
    """Each keep-together group travels as (part of) one team."""
    out: list[Violation] = []
    for group in problem.keep_together:
        wanted = set(group.members)
        if any(wanted <= set(t.members) for t in teams):
            continue
        team_ids = _unique(t.id for m in group.members for t in where.get(m, []))
        unplaced = [m for m in group.members if m not in where]
        detail = f"they are in teams {_ids(team_ids)}" if team_ids else "none is placed"
        if unplaced and team_ids:
            detail += f" and {_ids(unplaced)} in none"
        out.append(
            Violation(
                "keep_together",
                f"{_ids(group.members)} must be in one team but {detail}",
                (*group.members, *team_ids),
            )
        )
    return out


def _check_keep_apart(problem: Problem, teams: Sequence[Team]) -> list[Violation]:
    """No team holds two members of a keep-apart group; one breach per team and group."""
    out: list[Violation] = []
    team_of: dict[str, list[int]] = defaultdict(list)  # only teams holding a member matter
    for t, team in enumerate(teams):
        for m in team.members:
            team_of[m].append(t)
    for group in problem.keep_apart:
        apart = set(group.members)
        for team in (teams[t] for t in sorted({t for m in apart for t in team_of.get(m, [])})):
            together = _unique(m for m in team.members if m in apart)
            if len(together) >= 2:
                out.append(
                    Violation(
                        "keep_apart",
                        f"{_ids(together)} must be in different teams but share team {team.id}",
                        (*together, team.id),
                    )
                )
    return out


#: README: a fit this close below the floor still meets it (float sums differ in order).
FLOOR_TOLERANCE = 1e-9


def _check_fit_floor(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[Violation]:
    """With a hard floor, no placed participant's fit with their host is below it."""
    floor = problem.rules.fit_floor
    if floor is None or problem.rules.fit_floor_strictness != "hard":
        return []
    out: list[Violation] = []
    for team in teams:
        host = index.hosts.get(team.host)
        if host is None:
            continue
        for p in index.known_members(team):
            fit = _fit(index, p, host)
            if fit < floor - FLOOR_TOLERANCE:
                out.append(
                    Violation(
                        "fit_floor",
                        f"{p.id} has fit {fit:.3f} with host {host.id} in team {team.id}, "
                        f"below the floor {floor:g}",
                        (p.id, host.id, team.id),
                    )
                )
    return out


def _check_mixed_countries(
    index: _Index, problem: Problem, teams: Sequence[Team]
) -> list[Violation]:
    """With the hard policy, a cohort that has two countries never sends a one-country team."""
    if problem.rules.mixed_countries != "hard":
        return []
    countries: dict[str, set[str]] = defaultdict(set)
    for p in problem.participants:
        countries[p.cohort].add(p.country)
    out: list[Violation] = []
    for team in teams:
        if len(countries.get(team.cohort, ())) < 2:
            continue
        present = sorted({p.country for p in index.known_members(team)})
        if len(present) < 2:
            out.append(
                Violation(
                    "mixed_countries",
                    f"team {team.id} of cohort {team.cohort} has members from "
                    f"{_ids(present) or 'no country'} only",
                    (team.id, team.cohort),
                )
            )
    return out


def _check_organisation(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[Violation]:
    """With the hard policy, colleagues are spread ('apart') or kept together ('together')."""
    rules = problem.rules
    if rules.organisation_strictness != "hard" or rules.organisation == "neutral":
        return []
    out: list[Violation] = []
    if rules.organisation == "apart":
        for team in teams:
            for org, colleagues in by_organisation(index.known_members(team)).items():
                if len(colleagues) >= 2:
                    out.append(
                        Violation(
                            "organisation",
                            f"{_ids(colleagues)} of {org} share team {team.id}",
                            (*colleagues, team.id),
                        )
                    )
        return out
    for cohort_id, org, team_ids, members in _organisation_spread(index, teams):
        if len(team_ids) > 1:
            out.append(
                Violation(
                    "organisation",
                    f"{_ids(members)} of {org} in cohort {cohort_id} are split over teams "
                    f"{_ids(team_ids)}",
                    (cohort_id, *members, *team_ids),
                )
            )
    return out


def _plain(text: str) -> str:
    """Case and spacing do not distinguish names (municipalities, organisations)."""
    return " ".join(text.split()).casefold()


def is_partner(host: Host, participant: Participant) -> bool:
    """The host lists the participant's home municipality or country as a partner (an
    entry naming a country counts in any spelling, e.g. 'KE' for Kenya)."""
    mine = {_plain(participant.country)}
    if participant.home_municipality is not None:
        mine.add(_plain(participant.home_municipality))
    for partner in host.partners:
        known = canonical_country(partner)
        if _plain(partner) in mine or (known is not None and _plain(known) in mine):
            return True
    return False


def visited_before(problem: Problem, participant: Participant, host_id: str) -> list[str]:
    """Seasons in which the participant's organisation visited the host (history)."""
    if participant.organisation is None:
        return []
    mine = _plain(participant.organisation)
    return sorted(
        {
            v.season
            for v in problem.history
            if v.host == host_id and any(_plain(o) == mine for o in v.organisations)
        }
    )


def _check_partnership(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[Violation]:
    """With the hard policy, a participant who has a partner host goes to one of them."""
    if problem.rules.partnership != "hard":
        return []
    out: list[Violation] = []
    for team in teams:
        host = index.hosts.get(team.host)
        if host is None:
            continue
        for p in index.known_members(team):
            if is_partner(host, p):
                continue
            partners = [h.id for h in problem.hosts if is_partner(h, p)]
            if partners:
                out.append(
                    Violation(
                        "partnership",
                        f"{p.id} goes to {host.id} in team {team.id}, not to a partner host "
                        f"of their municipality or country ({_ids(partners)})",
                        (p.id, host.id, team.id),
                    )
                )
    return out


def _check_revisit(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[Violation]:
    """With the hard policy, nobody goes to a host their organisation visited before."""
    if problem.rules.revisit != "hard":
        return []
    out: list[Violation] = []
    for team in teams:
        for p in index.known_members(team):
            seasons = visited_before(problem, p, team.host)
            if seasons:
                out.append(
                    Violation(
                        "revisit",
                        f"{p.id} of {p.organisation} goes to {team.host} in team {team.id}, "
                        f"which their organisation visited in {_ids(seasons)}",
                        (p.id, team.host, team.id),
                    )
                )
    return out


def by_organisation(members: Iterable[Participant]) -> dict[str, list[str]]:
    """Organisation -> participant ids, skipping participants without one."""
    groups: dict[str, list[str]] = defaultdict(list)
    for p in members:
        if p.organisation is not None:
            groups[p.organisation].append(p.id)
    return groups


def _organisation_spread(
    index: _Index, teams: Sequence[Team]
) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(cohort, organisation, teams holding its members, members) for placed participants.

    The cohort is the participant's own, so a misfiled team cannot hide a split.
    """
    teams_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    members_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for team in teams:
        for p in index.known_members(team):
            if p.organisation is not None:
                key = (p.cohort, p.organisation)
                teams_of[key].append(team.id)
                members_of[key].append(p.id)
    return [
        (cohort, org, _unique(teams_of[(cohort, org)]), _unique(members_of[(cohort, org)]))
        for cohort, org in teams_of
    ]


# --------------------------------------------------------------------------------------
# Study visits (the whole cohort travels together to one host on one day)
# --------------------------------------------------------------------------------------


def _needed_visits(problem: Problem) -> dict[tuple[str, str], tuple[Cohort, StudyVisit]]:
    """(cohort id, visit id) -> the cohort and the visit it asks for."""
    return {(c.id, v.id): (c, v) for c in problem.cohorts for v in c.study_visits}


def _check_visit_placement(
    index: _Index, problem: Problem, visits: Sequence[Visit]
) -> list[Violation]:
    """Each study visit a cohort needs gets exactly one host and day; nothing else is
    planned (no unknown visit, no unknown host)."""
    needed = _needed_visits(problem)
    out: list[Violation] = []
    seen: Counter[tuple[str, str]] = Counter()
    for v in visits:
        key = (v.cohort, v.visit)
        seen[key] += 1
        if key not in needed:
            message = f"visit {v.visit} of cohort {v.cohort} is not a study visit of the problem"
            out.append(Violation("visit_placement", message, (v.cohort, v.visit)))
        if v.host not in index.hosts:
            message = f"visit {v.visit} of cohort {v.cohort} goes to unknown host {v.host}"
            out.append(Violation("visit_placement", message, (v.cohort, v.visit, v.host)))
    for cohort_id, visit_id in needed:
        count = seen[(cohort_id, visit_id)]
        if count != 1:
            what = "has no host and day" if count == 0 else f"is planned {count} times"
            message = f"study visit {visit_id} of cohort {cohort_id} {what}"
            out.append(Violation("visit_placement", message, (cohort_id, visit_id)))
    return out


def _check_visit_capacity(
    index: _Index, problem: Problem, visits: Sequence[Visit]
) -> list[Violation]:
    """A host's group capacity holds the whole cohort (every participant of it)."""
    size = Counter(p.cohort for p in problem.participants)
    out: list[Violation] = []
    for v in visits:
        host = index.hosts.get(v.host)
        if host is None or host.group_visits is None or v.cohort not in index.cohorts:
            continue
        if host.group_visits.capacity < size[v.cohort]:
            message = (
                f"host {host.id} receives groups of at most {host.group_visits.capacity} but "
                f"cohort {v.cohort} has {size[v.cohort]} (visit {v.visit})"
            )
            out.append(Violation("visit_capacity", message, (host.id, v.cohort, v.visit)))
    return out


def _check_visit_days(index: _Index, problem: Problem, visits: Sequence[Visit]) -> list[Violation]:
    """The day is one the visit allows, and the host offers group visits that day (its
    group-visit days, and its calendar: availability, closed weekdays, blackouts)."""
    needed = _needed_visits(problem)
    out: list[Violation] = []
    for v in visits:
        host = index.hosts.get(v.host)
        records = (v.cohort, v.visit, v.host)
        if (v.cohort, v.visit) in needed:
            cohort, visit = needed[(v.cohort, v.visit)]
            if v.day not in study_visit_days(cohort, visit):
                message = f"visit {v.visit} of cohort {v.cohort} may not take place on {v.day}"
                out.append(Violation("visit_days", message, records))
        if host is None:
            continue
        offer = host.group_visits
        if offer is None:
            message = f"host {host.id} receives no group visits (visit {v.visit} of {v.cohort})"
            out.append(Violation("visit_days", message, records))
            continue
        offered = offer.days is None or any(r.start <= v.day <= r.end for r in offer.days)
        present = not _closed_spans(host, v.day, v.day)  # the host's calendar that day
        if not (offered and present):
            message = (
                f"host {host.id} does not receive group visits on {v.day} "
                f"(visit {v.visit} of {v.cohort})"
            )
            out.append(Violation("visit_days", message, records))
    return out


def _check_visit_per_day(index: _Index, visits: Sequence[Visit]) -> list[Violation]:
    """A host receives at most its max_per_day groups on one day, counting every cohort."""
    groups: dict[tuple[str, date], list[Visit]] = defaultdict(list)
    for v in visits:
        groups[(v.host, v.day)].append(v)
    out: list[Violation] = []
    for (host_id, day), present in groups.items():
        host = index.hosts.get(host_id)
        if host is None or host.group_visits is None:
            continue
        if len(present) > host.group_visits.max_per_day:
            names = [f"{v.visit} of {v.cohort}" for v in present]
            message = (
                f"host {host_id} receives {len(present)} groups on {day} "
                f"(limit {host.group_visits.max_per_day}): {_ids(names)}"
            )
            out.append(Violation("visit_per_day", message, (host_id, *_unique(names))))
    return out


def _check_visit_clash(
    index: _Index, teams: Sequence[Team], visits: Sequence[Visit]
) -> list[Violation]:
    """No host receives a cohort's whole group on a day one of that cohort's teams is
    there, unless its group offer allows both (with_teams)."""
    out: list[Violation] = []
    for v in visits:
        host = index.hosts.get(v.host)
        if host is not None and host.group_visits is not None and host.group_visits.with_teams:
            continue
        for team in teams:
            if team.cohort == v.cohort and team.host == v.host and team.start <= v.day <= team.end:
                message = (
                    f"host {v.host} receives cohort {v.cohort}'s group (visit {v.visit}) and "
                    f"its team {team.id} on {v.day}"
                )
                out.append(Violation("visit_clash", message, (v.host, v.cohort, v.visit, team.id)))
    return out


def check(problem: Problem, allocation: Allocation) -> list[Violation]:
    """Every hard-rule breach of ``allocation`` for ``problem``; empty means valid.

    The allocation's status is not consulted: an answer without teams simply leaves
    every participant unplaced.
    """
    index = _Index.of(problem)
    teams = allocation.teams
    where = _teams_of(teams)
    return [
        *_check_placement(index, problem, teams),
        *_check_team_ids(teams),
        *_check_team_cohort(index, teams),
        *_check_team_size(index, teams),
        *_check_host_known(index, teams),
        *_check_team_dates(index, teams),
        *_check_host_dates(index, teams),
        *_check_host_capacity(index, teams),
        *_check_season_cap(index, teams),
        *_check_travel_budget(index, problem, teams, allocation.visits),
        *_check_member_host_fit(index, teams),
        *_check_keep_together(problem, teams, where),
        *_check_keep_apart(problem, teams),
        *_check_pins(problem, where),
        *_check_fit_floor(index, problem, teams),
        *_check_visit_placement(index, problem, allocation.visits),
        *_check_visit_capacity(index, problem, allocation.visits),
        *_check_visit_days(index, problem, allocation.visits),
        *_check_visit_per_day(index, allocation.visits),
        *_check_visit_clash(index, teams, allocation.visits),
        *_check_mixed_countries(index, problem, teams),
        *_check_organisation(index, problem, teams),
        *_check_partnership(index, problem, teams),
        *_check_revisit(index, problem, teams),
    ]


# --------------------------------------------------------------------------------------
# Objective
# --------------------------------------------------------------------------------------


def _fit(index: _Index, participant: Participant, host: Host) -> float:
    """Caller-supplied affinity first, else the weighted mean of the host's theme strengths."""
    given = index.affinity.get((participant.id, host.id))
    if given is not None:
        return given
    total = sum(participant.themes.values())
    if total <= 0:
        return 0.0
    strength = {tag.casefold(): s for tag, s in host.themes.items()}
    return (
        sum(w * strength.get(tag.casefold(), 0.0) for tag, w in participant.themes.items()) / total
    )


def _wish_value(participant: Participant, host_id: str) -> float:
    """README: 1/r for the r-th entry of the wishes; the hosts of a tied entry share r."""
    for rank, entry in enumerate(participant.wishes, start=1):
        if host_id == entry or (isinstance(entry, list) and host_id in entry):
            return 1.0 / rank
    return 0.0


def thematic_fit(problem: Problem, participant_id: str, host_id: str) -> float:
    """How well a host's themes match what one participant cares about, in [0, 1].

    Raises KeyError for an id the problem does not know.
    """
    participants = {p.id: p for p in problem.participants}
    hosts = {h.id: h for h in problem.hosts}
    if participant_id not in participants:
        raise KeyError(f"unknown participant {participant_id!r}")
    if host_id not in hosts:
        raise KeyError(f"unknown host {host_id!r}")
    affinity = {(a.participant, a.host): a.value for a in problem.affinities}
    index = _Index(
        cohorts={}, participants=participants, hosts=hosts, affinity=affinity, rules=problem.rules
    )
    return _fit(index, participants[participant_id], hosts[host_id])


def _term(name: str, sense: Literal["reward", "penalty"], value: float, weight: float) -> TermValue:
    sign = 1.0 if sense == "reward" else -1.0
    return TermValue(
        name=name,
        level="soft",
        sense=sense,
        value=value,
        weight=weight,
        contribution=sign * weight * value,
    )


def score(problem: Problem, allocation: Allocation) -> list[TermValue]:
    """The objective's terms for an allocation, computed from the rules (maximised).

    Members or hosts the problem does not know are skipped; they are hard-rule breaches
    reported by :func:`check`, not part of the objective.
    """
    index = _Index.of(problem)
    rules, weights = problem.rules, problem.weights
    teams = allocation.teams

    wishes = 0.0
    fits: list[float] = []
    for team in teams:
        host = index.hosts.get(team.host)
        if host is None:
            continue
        for p in index.known_members(team):
            fits.append(_fit(index, p, host))
            wishes += _wish_value(p, host.id)
    fit = sum(fits, 0.0)

    terms = [_term("thematic_fit", "reward", fit, weights.thematic_fit)]
    if rules.fit_floor is not None and rules.fit_floor_strictness == "soft":
        floor = rules.fit_floor
        shortfall = sum((max(0.0, floor - f) for f in fits), 0.0)
        terms.append(_term("fit_floor", "penalty", shortfall, weights.fit_floor))
    if rules.mixed_countries != "off":
        mix = sum(max(0, len({p.country for p in index.known_members(t)}) - 1) for t in teams)
        terms.append(_term("country_mix", "reward", float(mix), weights.country_mix))
    if rules.organisation == "apart":
        breaches = sum(
            len(ids) - 1 for t in teams for ids in by_organisation(index.known_members(t)).values()
        )
        terms.append(_term("organisation", "penalty", float(breaches), weights.organisation))
    elif rules.organisation == "together":
        splits = sum(len(ids) - 1 for _, _, ids, _ in _organisation_spread(index, teams))
        terms.append(_term("organisation", "penalty", float(splits), weights.organisation))
    terms.append(_term("wishes", "reward", wishes, weights.wishes))
    spread = len({(t.cohort, t.host) for t in teams})
    terms.append(_term("host_spread", "reward", float(spread), weights.host_spread))
    priced = problem.travel_costs or (
        any(c.base for c in problem.cohorts) and any(h.location for h in problem.hosts)
    )
    if priced:  # the term exists only when some trip can cost something
        spent = sum(_team_costs(index, problem, teams))
        spent += sum(_visit_costs(index, problem, allocation.visits))
        thousands = spent / 1000
        terms.append(_term("travel", "penalty", thousands, weights.travel))
    if weights.worst_fit > 0:
        # the lowest fit of any placed participant; 0 when nobody is placed
        terms.append(_term("worst_fit", "reward", min(fits, default=0.0), weights.worst_fit))
    terms += _season_terms(index, problem, teams)
    if any(c.study_visits for c in problem.cohorts):  # reported only when visits are asked
        visit_fit = _visits_fit(index, problem, allocation.visits)
        terms.append(_term("visit_fit", "reward", visit_fit, weights.visit_fit))
    return terms


def _season_terms(index: _Index, problem: Problem, teams: Sequence[Team]) -> list[TermValue]:
    """Partnership, revisit, season spread and host relief, each only where it can count
    (partners or history given, or a season-spread weight), as the README says."""
    rules, weights = problem.rules, problem.weights
    placed = [
        (p, index.hosts[t.host])
        for t in teams
        if t.host in index.hosts
        for p in index.known_members(t)
    ]
    terms: list[TermValue] = []
    if rules.partnership != "off" and any(h.partners for h in problem.hosts):
        partnered = sum(1 for p, h in placed if is_partner(h, p))
        terms.append(_term("partnership", "reward", float(partnered), weights.partnership))
    if rules.revisit == "soft" and problem.history:
        revisits = sum(1 for p, h in placed if visited_before(problem, p, h.id))
        terms.append(_term("revisit", "penalty", float(revisits), weights.revisit))
    if weights.season_spread > 0:
        used = {t.host for t in teams if t.host in index.hosts} - set(problem.hosts_in_use)
        terms.append(_term("season_spread", "reward", float(len(used)), weights.season_spread))
    if problem.history:
        latest = max(v.season for v in problem.history)
        last: Counter[str] = Counter()
        for v in problem.history:
            if v.season == latest:
                last[v.host] += v.teams
        relief = sum(last[t.host] for t in teams)
        terms.append(_term("host_relief", "penalty", float(relief), weights.host_relief))
    return terms


def lowest_fit(problem: Problem, allocation: Allocation) -> float:
    """The lowest fit of any placed participant at a known host (1.0 if nobody is): what
    the lexicographic objective maximises first."""
    index = _Index.of(problem)
    fits = [
        _fit(index, p, index.hosts[team.host])
        for team in allocation.teams
        if team.host in index.hosts
        for p in index.known_members(team)
    ]
    return min(fits, default=1.0)


def _visits_fit(index: _Index, problem: Problem, visits: Sequence[Visit]) -> float:
    """Σ over planned visits of Σ_t w[v,t] · s[h,t] / Σ_t w[v,t], with the host's
    group-visit strengths; unknown visits or hosts, or a host without group visits, add 0."""
    needed = _needed_visits(problem)
    total = 0.0
    for v in visits:
        host = index.hosts.get(v.host)
        if (v.cohort, v.visit) not in needed or host is None or host.group_visits is None:
            continue
        wanted = needed[(v.cohort, v.visit)][1].themes
        weight = sum(wanted.values())
        if weight <= 0:
            continue
        strength = {tag.casefold(): s for tag, s in host.group_visits.themes.items()}
        total += sum(w * strength.get(tag.casefold(), 0.0) for tag, w in wanted.items()) / weight
    return total


def objective(problem: Problem, allocation: Allocation) -> float:
    """The single number the solver maximises: the sum of the terms' contributions."""
    return sum((t.contribution for t in score(problem, allocation)), 0.0)
