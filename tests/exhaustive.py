"""An independent oracle for tiny problems: its own rules, its own fit, its own objective.

Nothing here imports the code under test: only the pydantic records (``Problem`` and its
parts) and the result types ``Allocation``/``Team`` are used. Every hard rule, the
availability of a host, the thematic fit and every objective term are computed from the
README's definitions by code written for this file, so a bug in ``icld_match`` (model,
index, checker or scorer) cannot be mirrored by the oracle.

- :func:`violations` judges one plan (names of the broken hard rules).
- :func:`value` scores one plan (the weighted objective, README's formulas).
- :func:`best_allocation` / :func:`best_objective` find the optimum by exhaustive search
  over every team split and host choice, with cheap pruning; the winner is re-judged by
  :func:`violations` and re-scored by :func:`value`, so a pruning shortcut that disagrees
  with the definitions raises.
- :func:`candidates` yields every plan (no pruning), for the slow cross-check against
  :func:`icld_match.check` in ``tests/test_oracles.py``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from icld_match.records.normalise import normalise_country
from icld_match.records.result import Allocation, Status, Team, Visit
from icld_match.records.schema import Cohort, Host, Participant, Problem

MAX_PARTICIPANTS = 8
MAX_HOSTS = 4
#: Objective values closer than this are considered equal.
TOLERANCE = 1e-9

Block = tuple[str, ...]


# --------------------------------------------------------------------------------------
# Definitions (README "The rules"), one small function each
# --------------------------------------------------------------------------------------


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def available(host: Host, start: date, end: date) -> bool:
    """Every day from start to end is a day the host can receive (README "The rules"):

    inside one of the ``available`` ranges (``null`` = any date; the ranges form one set
    of days, so two ranges that together cover the internship count), not one of its
    ``closed_weekdays`` and not inside a ``blackout`` range.
    """
    open_days = None
    if host.available is not None:
        open_days = {d for r in host.available for d in days(r.start, r.end)}
    blackout = {d for r in host.blackout for d in days(r.start, r.end)}
    for d in days(start, end):
        if open_days is not None and d not in open_days:
            return False
        if d in blackout or WEEKDAY_NAMES[d.weekday()] in host.closed_weekdays:
            return False
    return True


def internships(c: Cohort) -> list[tuple[date, date]]:
    """README "Season planning": the fixed internship, or every run of
    ``internship_days`` consecutive days inside the window."""
    if c.internship is not None:
        return [(c.internship.start, c.internship.end)]
    assert c.window is not None
    out = []
    first = c.window.start
    while first + timedelta(c.internship_days - 1) <= c.window.end:
        out.append((first, first + timedelta(c.internship_days - 1)))
        first += timedelta(1)
    return out


def fold(tags: Sequence[str]) -> set[str]:
    return {t.casefold() for t in tags}


def fit(problem: Problem, p: Participant, h: Host) -> float:
    """Σ w·s / Σ w over the participant's themes (tags ignore case); affinities override."""
    for a in problem.affinities:
        if a.participant == p.id and a.host == h.id:
            return a.value
    weight_sum = sum(p.themes.values())
    if weight_sum == 0:
        return 0.0
    strength = {t.casefold(): s for t, s in h.themes.items()}
    return sum(w * strength.get(t.casefold(), 0.0) for t, w in p.themes.items()) / weight_sum


def plain(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def partnered(p: Participant, h: Host) -> bool:
    """README: the host lists the participant's home municipality or country (any
    spelling of the country) among its partners, ignoring case."""
    mine = {plain(p.country)} | ({plain(p.home_municipality)} if p.home_municipality else set())
    return any({plain(x), plain(normalise_country(x))} & mine for x in h.partners)


def partnership_ok(problem: Problem, p: Participant, h: Host) -> bool:
    """Hard partnership: someone with a partner host goes to one of them."""
    if problem.rules.partnership != "hard":
        return True
    return partnered(p, h) or not any(partnered(p, other) for other in problem.hosts)


def revisits(problem: Problem, p: Participant, h: Host) -> bool:
    """The participant's organisation visited the host in an earlier season."""
    if p.organisation is None:
        return False
    return any(
        v.host == h.id and plain(p.organisation) in {plain(o) for o in v.organisations}
        for v in problem.history
    )


def below_floor(problem: Problem, p: Participant, h: Host) -> bool:
    """README: with a hard ``rules.fit_floor``, a fit more than 1e-9 below it is a breach."""
    floor = problem.rules.fit_floor
    if floor is None or problem.rules.fit_floor_strictness != "hard":
        return False
    return fit(problem, p, h) < floor - 1e-9


def trip_cost(problem: Problem, cohort_id: str, host_id: str) -> float:
    """README "Travel costs and budgets": one team's return trip in SEK, to the öre.

    A supplied cost wins; else 2 x great-circle km x road factor x SEK per km + SEK per
    trip, with km by the spherical law of haversines (mean radius 6371.0088 km); 0 when
    the cohort has no base or the host no location.
    """
    for given in problem.travel_costs:
        if (given.cohort, given.host) == (cohort_id, host_id):
            return round(given.cost * 100) / 100
    return _distance_trip(problem, cohort_id, host_id)


def visit_trip_cost(problem: Problem, cohort_id: str, host_id: str) -> float:
    """README: a study visit (the whole group) costs group factor x one team's
    distance-based trip, to the öre; supplied costs are for teams only."""
    team = _distance_trip(problem, cohort_id, host_id)
    return round(problem.travel.group_factor * team * 100) / 100


def _distance_trip(problem: Problem, cohort_id: str, host_id: str) -> float:
    """One team's return trip by distance alone (0 without base or location)."""
    base = next(c for c in problem.cohorts if c.id == cohort_id).base
    where = next(h for h in problem.hosts if h.id == host_id).location
    if base is None or where is None:
        return 0.0
    phi1, phi2 = math.radians(base.lat), math.radians(where.lat)
    lam = math.radians(where.lon - base.lon)
    a = math.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(lam / 2) ** 2
    km = 2 * 6371.0088 * math.atan2(math.sqrt(a), math.sqrt(1 - a))
    t = problem.travel
    return round((2 * km * t.road_factor * t.cost_per_km + t.cost_per_trip) * 100) / 100


def over_budget(problem: Problem, teams: Sequence[Team], visits: Sequence[Visit] = ()) -> bool:
    """A cohort's or the season's trips (teams and study visits) cost more than the budget
    (half an öre slack)."""
    spent: Counter[str] = Counter()
    for t in teams:
        spent[t.cohort] += trip_cost(problem, t.cohort, t.host)
    for v in visits:
        spent[v.cohort] += visit_trip_cost(problem, v.cohort, v.host)
    for c in problem.cohorts:
        if c.travel_budget is not None and spent[c.id] > c.travel_budget + 0.005:
            return True
    season = problem.travel_budget
    return season is not None and sum(spent.values()) > season + 0.005


def pair_ok(problem: Problem, p: Participant, h: Host) -> bool:
    """Dates, language, access, blocked hosts, pins, hard partnership, hard revisit and a
    hard fit floor for one participant at one host."""
    c = next(c for c in problem.cohorts if c.id == p.cohort)
    pinned = [pin.host for pin in problem.pins if pin.participant == p.id]
    return (
        any(available(h, start, end) for start, end in internships(c))
        and bool(fold(p.languages) & fold(h.languages))
        and fold(p.access_needs) <= fold(h.accessibility)
        and h.id not in p.blocked_hosts
        and all(pinned_host == h.id for pinned_host in pinned)
        and partnership_ok(problem, p, h)
        and not (problem.rules.revisit == "hard" and revisits(problem, p, h))
        and not below_floor(problem, p, h)
    )


def last_season_teams(problem: Problem, host_id: str) -> int:
    """Teams the host received in the latest season (seasons sort as text)."""
    if not problem.history:
        return 0
    latest = sorted(v.season for v in problem.history)[-1]
    return sum(v.teams for v in problem.history if v.season == latest and v.host == host_id)


def violations(problem: Problem, teams: Sequence[Team]) -> list[str]:
    """Names of the hard rules ``teams`` breaks (sorted, no repeats); empty = valid."""
    people = {p.id: p for p in problem.participants}
    hosts = {h.id: h for h in problem.hosts}
    cohorts = {c.id: c for c in problem.cohorts}
    broken: set[str] = set()
    seen = Counter(m for t in teams for m in t.members)
    if set(seen) != set(people) or any(n != 1 for n in seen.values()):
        broken.add("placement")
    load: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    season: Counter[str] = Counter()
    for t in teams:
        c, h = cohorts[t.cohort], hosts[t.host]
        members = [people[m] for m in t.members]
        if any(p.cohort != c.id for p in members):
            broken.add("team_cohort")
        if not c.team_size.min <= len(members) <= c.team_size.max:
            broken.add("team_size")
        if (t.start, t.end) not in internships(c):
            broken.add("team_dates")
        if not available(h, t.start, t.end):
            broken.add("host_dates")
        for d in days(t.start, t.end):
            load[(h.id, d)][0] += 1
            load[(h.id, d)][1] += len(members)
        season[h.id] += 1
        broken |= _member_rules(problem, members, h)
    for (hid, _), (n_teams, n_people) in load.items():
        cap = hosts[hid].capacity
        if n_teams > cap.max_teams or n_people > cap.max_participants:
            broken.add("host_capacity")
    for hid, n in season.items():
        cap_season = hosts[hid].season_max_teams
        if cap_season is not None and n > cap_season:
            broken.add("season_cap")
    broken |= _group_rules(problem, teams)
    if problem.rules.internship_dates == "per_cohort":
        for c in problem.cohorts:
            if c.window is not None and len({t.start for t in teams if t.cohort == c.id}) > 1:
                broken.add("team_dates")
    if over_budget(problem, teams):
        broken.add("travel_budget")
    return sorted(broken)


def _member_rules(problem: Problem, members: list[Participant], h: Host) -> set[str]:
    broken: set[str] = set()
    for p in members:
        if not fold(p.languages) & fold(h.languages):
            broken.add("language")
        if not fold(p.access_needs) <= fold(h.accessibility):
            broken.add("access")
        if h.id in p.blocked_hosts:
            broken.add("blocked")
        if any(pin.participant == p.id and pin.host != h.id for pin in problem.pins):
            broken.add("pin")
        if not partnership_ok(problem, p, h):
            broken.add("partnership")
        if problem.rules.revisit == "hard" and revisits(problem, p, h):
            broken.add("revisit")
        if below_floor(problem, p, h):
            broken.add("fit_floor")
    return broken


def _group_rules(
    problem: Problem, teams: Sequence[Team], scope: set[str] | None = None
) -> set[str]:
    """keep_together, keep_apart, hard country mixing and hard organisation policy.

    With ``scope``, keep-together groups with no member in it are skipped (one cohort's
    split is judged on its own; a group lies within one cohort).
    """
    broken: set[str] = set()
    people = {p.id: p for p in problem.participants}
    team_of = {m: i for i, t in enumerate(teams) for m in t.members}
    for g in problem.keep_together:
        if scope is not None and not scope & set(g.members):
            continue
        if len({team_of.get(m, -1 - k) for k, m in enumerate(g.members)}) > 1:
            broken.add("keep_together")
    for t in teams:
        for g in problem.keep_apart:
            if len(set(t.members) & set(g.members)) >= 2:
                broken.add("keep_apart")
    rules = problem.rules
    if rules.mixed_countries == "hard":
        for t in teams:
            cohort_countries = {p.country for p in problem.participants if p.cohort == t.cohort}
            if len(cohort_countries) >= 2 and len({people[m].country for m in t.members}) < 2:
                broken.add("mixed_countries")
    if rules.organisation_strictness == "hard" and organisation_breaches(problem, teams) > 0:
        broken.add("organisation")
    return broken


def organisation_breaches(problem: Problem, teams: Sequence[Team]) -> int:
    """README: 'apart' = colleagues in a team beyond the first; 'together' = teams a
    cohort's colleagues are split over beyond one; 0 when 'neutral'."""
    people = {p.id: p for p in problem.participants}
    if problem.rules.organisation == "apart":
        total = 0
        for t in teams:
            orgs = Counter(people[m].organisation for m in t.members)
            total += sum(n - 1 for org, n in orgs.items() if org is not None)
        return total
    if problem.rules.organisation == "together":
        spread: dict[tuple[str, str], set[int]] = defaultdict(set)
        for i, t in enumerate(teams):
            for m in t.members:
                org = people[m].organisation
                if org is not None:
                    spread[(people[m].cohort, org)].add(i)
        return sum(len(s) - 1 for s in spread.values())
    return 0


def wish_value(p: Participant, host_id: str) -> float:
    """README: the r-th entry of the wishes is worth 1/r; a tied entry's hosts share r."""
    for position in range(len(p.wishes)):
        entry = p.wishes[position]
        hosts = [entry] if isinstance(entry, str) else list(entry)
        if host_id in hosts:
            return 1.0 / (position + 1)
    return 0.0


def value(problem: Problem, teams: Sequence[Team]) -> float:
    """The weighted objective of README "Objective", from the plan's teams alone."""
    return separable_value(problem, teams) + worst_fit_value(problem, teams)


def worst_fit_value(problem: Problem, teams: Sequence[Team]) -> float:
    """README: weight x the lowest fit of any placed participant (0 if nobody is)."""
    people = {p.id: p for p in problem.participants}
    hosts = {h.id: h for h in problem.hosts}
    fits = [fit(problem, people[m], hosts[t.host]) for t in teams for m in t.members]
    return problem.weights.worst_fit * (min(fits) if fits else 0.0)


def separable_value(problem: Problem, teams: Sequence[Team]) -> float:
    """Every term but worst fit: each is a sum over teams (and host visits)."""
    people = {p.id: p for p in problem.participants}
    hosts = {h.id: h for h in problem.hosts}
    w, rules = problem.weights, problem.rules
    total = 0.0
    for t in teams:
        members = [people[m] for m in t.members]
        total += w.thematic_fit * sum(fit(problem, p, hosts[t.host]) for p in members)
        floor = rules.fit_floor
        if floor is not None and rules.fit_floor_strictness == "soft":
            shortfall = sum(max(0.0, floor - fit(problem, p, hosts[t.host])) for p in members)
            total -= w.fit_floor * shortfall
        for p in members:
            total += w.wishes * wish_value(p, t.host)
        if rules.mixed_countries != "off":
            total += w.country_mix * (len({p.country for p in members}) - 1)
        if rules.partnership != "off":
            total += w.partnership * sum(partnered(p, hosts[t.host]) for p in members)
        if rules.revisit == "soft":
            total -= w.revisit * sum(revisits(problem, p, hosts[t.host]) for p in members)
        total -= w.host_relief * last_season_teams(problem, t.host)
        total -= w.travel * trip_cost(problem, t.cohort, t.host) / 1000
    total -= w.organisation * organisation_breaches(problem, teams)
    total += w.host_spread * len({(t.cohort, t.host) for t in teams})
    total += w.season_spread * len({t.host for t in teams} - set(problem.hosts_in_use))
    return total


def allocation_value(problem: Problem, allocation: Allocation) -> float:
    """:func:`value` of an allocation (the oracle's scorer for solver answers), with the
    study visits' fit when the problem asks for visits."""
    return value(problem, allocation.teams) + visits_value(problem, allocation.visits)


# --------------------------------------------------------------------------------------
# Study visits (README "Season planning"): the whole cohort visits one host on one day
# --------------------------------------------------------------------------------------


def visit_days(problem: Problem, cohort_id: str, visit_id: str) -> list[date]:
    """The visit's own days, else every day of its cohort's internship or window."""
    c = problem.cohort(cohort_id)
    visit = next(v for v in c.study_visits if v.id == visit_id)
    if visit.days is not None:
        return sorted(set(visit.days))
    span = c.internship or c.window
    assert span is not None
    return days(span.start, span.end)


def receives_group(h: Host, day: date) -> bool:
    """The host offers group visits that day and is open then (its calendar: available
    ranges, closed weekdays, blackouts)."""
    offer = h.group_visits
    if offer is None:
        return False
    if offer.days is not None and not any(r.start <= day <= r.end for r in offer.days):
        return False
    return available(h, day, day)


def visit_fit(problem: Problem, cohort_id: str, visit_id: str, h: Host) -> float:
    """Σ w·s / Σ w over the visit's themes and the host's group-visit strengths."""
    visit = next(v for v in problem.cohort(cohort_id).study_visits if v.id == visit_id)
    total = sum(visit.themes.values())
    if h.group_visits is None or total <= 0:
        return 0.0
    strength = {t.casefold(): s for t, s in h.group_visits.themes.items()}
    return sum(w * strength.get(t.casefold(), 0.0) for t, w in visit.themes.items()) / total


def visits_value(problem: Problem, visits: Sequence[Visit]) -> float:
    hosts = {h.id: h for h in problem.hosts}
    raw = sum(visit_fit(problem, v.cohort, v.visit, hosts[v.host]) for v in visits)
    cost = sum(visit_trip_cost(problem, v.cohort, v.host) for v in visits)
    return problem.weights.visit_fit * raw - problem.weights.travel * cost / 1000


def visit_violations(problem: Problem, teams: Sequence[Team], visits: Sequence[Visit]) -> set[str]:
    """Names of the study-visit rules the visits break (the teams for the clash)."""
    hosts = {h.id: h for h in problem.hosts}
    size = Counter(p.cohort for p in problem.participants)
    wanted = Counter((c.id, v.id) for c in problem.cohorts for v in c.study_visits)
    broken: set[str] = set()
    if Counter((v.cohort, v.visit) for v in visits) != wanted:
        broken.add("visit_placement")
    per_day = Counter((v.host, v.day) for v in visits)
    for v in visits:
        h = hosts[v.host]
        if h.group_visits is not None and h.group_visits.capacity < size[v.cohort]:
            broken.add("visit_capacity")
        if not receives_group(h, v.day) or v.day not in visit_days(problem, v.cohort, v.visit):
            broken.add("visit_days")
        if h.group_visits is not None and per_day[(v.host, v.day)] > h.group_visits.max_per_day:
            broken.add("visit_per_day")
        both = h.group_visits is not None and h.group_visits.with_teams
        if not both and any(
            t.cohort == v.cohort and t.host == v.host and t.start <= v.day <= t.end for t in teams
        ):
            broken.add("visit_clash")
    if over_budget(problem, teams, visits):  # the visits' trips share the travel budgets
        broken.add("travel_budget")
    return broken


def best_visits(problem: Problem, teams: Sequence[Team]) -> tuple[float, list[Visit]] | None:
    """The best valid study visits for these teams, by trying every host and day for
    every visit (weighted visit fit, the visits first found among equals); None if none."""
    needed = [(c.id, v.id) for c in problem.cohorts for v in c.study_visits]
    choices = [
        [(h, d) for h in problem.hosts for d in visit_days(problem, cid, vid)]
        for cid, vid in needed
    ]
    best: tuple[float, list[Visit]] | None = None
    for combo in itertools.product(*choices):
        visits = [
            Visit(cohort=cid, visit=vid, host=h.id, day=d, fit=0.0)
            for (cid, vid), (h, d) in zip(needed, combo, strict=True)
        ]
        if visit_violations(problem, teams, visits):
            continue
        total = visits_value(problem, visits)
        if best is None or total > best[0] + TOLERANCE:
            best = (total, visits)
    return best


def best_objective_with_visits(problem: Problem) -> float | None:
    """The optimum over every valid team plan and its best visits (no pruning: tiny
    problems only)."""
    _guard(problem)
    best: float | None = None
    for teams in candidates(problem):
        if violations(problem, teams):
            continue
        visits = best_visits(problem, teams)
        if visits is None:
            continue
        total = value(problem, teams) + visits[0]
        best = total if best is None else max(best, total)
    return best


# --------------------------------------------------------------------------------------
# Enumeration
# --------------------------------------------------------------------------------------


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


def make_teams(
    problem: Problem,
    blocks: Sequence[tuple[str, Block]],
    hosts: Sequence[str],
    starts: Sequence[date] | None = None,
) -> list[Team]:
    """Teams T01, T02, ... for (cohort, members) blocks sent to ``hosts`` (on ``starts``,
    by default each cohort's first possible internship)."""
    cohorts = {c.id: c for c in problem.cohorts}
    people = {p.id: p for p in problem.participants}
    by_id = {h.id: h for h in problem.hosts}
    teams = []
    for number, ((cohort_id, members), host_id) in enumerate(zip(blocks, hosts, strict=True), 1):
        options = internships(cohorts[cohort_id])
        first, last = options[0]
        if starts is not None:
            first, last = next(o for o in options if o[0] == starts[number - 1])
        fits = [fit(problem, people[m], by_id[host_id]) for m in members]
        teams.append(
            Team(
                id=f"T{number:02d}",
                cohort=cohort_id,
                host=host_id,
                members=sorted(members),
                start=first,
                end=last,
                fit=sum(fits) / len(fits),
            )
        )
    return teams


def _splits(problem: Problem) -> list[list[list[tuple[str, Block]]]]:
    out = []
    for c in problem.cohorts:
        members = [p.id for p in problem.participants if p.cohort == c.id]
        splits = partitions(members, c.team_size.min, c.team_size.max)
        out.append([[(c.id, b) for b in split] for split in splits])
    return out


def candidates(problem: Problem) -> Iterator[list[Team]]:
    """Every plan that places everyone once in teams of the right size (no other rule)."""
    host_ids = [h.id for h in problem.hosts]
    cohorts = {c.id: c for c in problem.cohorts}
    for combo in itertools.product(*_splits(problem)):
        blocks = [b for split in combo for b in split]
        for chosen in itertools.product(host_ids, repeat=len(blocks)):
            options = [[s for s, _ in internships(cohorts[c])] for c, _ in blocks]
            for starts in itertools.product(*options):
                yield make_teams(problem, blocks, chosen, starts)


def _guard(problem: Problem) -> None:
    if len(problem.participants) > MAX_PARTICIPANTS or len(problem.hosts) > MAX_HOSTS:
        raise ValueError(
            f"exhaustive search is for at most {MAX_PARTICIPANTS} participants and "
            f"{MAX_HOSTS} hosts"
        )


def best_objective(problem: Problem) -> float | None:
    """The highest objective over all valid plans, or None when none is valid."""
    best = best_allocation(problem)
    return None if best is None else allocation_value(problem, best)


def best_allocation(problem: Problem) -> Allocation | None:
    """An optimal valid plan (the first found among equals), or None."""
    _guard(problem)
    if any(c.window is not None for c in problem.cohorts):
        return _best_by_enumeration(problem)
    found = _Search(problem).run()
    if found is None:
        return None
    expected, teams = found
    broken = violations(problem, teams)
    if broken:
        raise AssertionError(f"exhaustive pruning disagrees with violations(): {broken}")
    actual = value(problem, teams)
    if abs(actual - expected) > 1e-6:
        raise AssertionError(f"search value {expected} disagrees with value() {actual}")
    return Allocation(status=Status.FEASIBLE, teams=teams)


def _best_by_enumeration(problem: Problem) -> Allocation | None:
    """With windows (days chosen by the plan): every split, then every (host, days) per
    team that the pair rules and the host's calendar allow (the same days for a whole
    cohort under per_cohort), judged by :func:`violations` and scored by :func:`value`."""
    best: tuple[float, list[Team]] | None = None
    people = {p.id: p for p in problem.participants}
    per_cohort = problem.rules.internship_dates == "per_cohort"
    for combo in itertools.product(*_splits(problem)):
        blocks = [b for split in combo for b in split]
        for teams in _dated_choices(problem, blocks, people, per_cohort):
            if violations(problem, teams):
                continue
            total = value(problem, teams)
            if best is None or total > best[0] + TOLERANCE:
                best = (total, teams)
    return None if best is None else Allocation(status=Status.FEASIBLE, teams=best[1])


def _dated_choices(
    problem: Problem,
    blocks: list[tuple[str, Block]],
    people: dict[str, Participant],
    per_cohort: bool,
) -> Iterator[list[Team]]:
    cohorts = {c.id: c for c in problem.cohorts}
    cohort_ids = sorted({c for c, _ in blocks})
    shared_options = [
        [s for s, _ in internships(cohorts[c])] if per_cohort else [None] for c in cohort_ids
    ]
    for shared in itertools.product(*shared_options):
        fixed = dict(zip(cohort_ids, shared, strict=True))
        options = []
        for c, block in blocks:
            starts = [fixed[c]] if fixed[c] is not None else [s for s, _ in internships(cohorts[c])]
            options.append(
                [
                    (h.id, start)
                    for h in problem.hosts
                    for start, end in internships(cohorts[c])
                    if start in starts
                    and all(pair_ok(problem, people[m], h) for m in block)
                    and available(h, start, end)
                ]
            )
        for chosen in itertools.product(*options):
            yield make_teams(problem, blocks, [h for h, _ in chosen], [d for _, d in chosen])


class _Search:
    """Depth-first search over host choices for each split, with incremental capacity."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.people = {p.id: p for p in problem.participants}
        self.hosts = list(problem.hosts)
        self.days = {c.id: days(c.internship.start, c.internship.end) for c in problem.cohorts}
        self.pair = {
            (p.id, h.id): pair_ok(problem, p, h) for p in problem.participants for h in self.hosts
        }
        self.cost = {
            (c.id, h.id): trip_cost(problem, c.id, h.id)
            for c in problem.cohorts
            for h in self.hosts
        }
        self.spent: Counter[str] = Counter()  # travel per cohort on the current path
        self.best: tuple[float, list[tuple[str, Block]], list[str]] | None = None
        self.blocks: list[tuple[str, Block]] = []
        self.choices: list[list[tuple[Host, float, float]]] = []
        self.rest: list[float] = []

    def _affordable(self, cohort_id: str, host_id: str) -> bool:
        """One more team of the cohort at the host keeps both budgets (half an öre slack)."""
        cost = self.cost[(cohort_id, host_id)]
        budget = self.problem.cohort(cohort_id).travel_budget
        if budget is not None and self.spent[cohort_id] + cost > budget + 0.005:
            return False
        season = self.problem.travel_budget
        return season is None or sum(self.spent.values()) + cost <= season + 0.005

    def _team_only(self, block: Block, host: Host, cohort_id: str) -> Team:
        c = self.problem.cohort(cohort_id)
        return Team(
            id="T", cohort=cohort_id, host=host.id, members=list(block),
            start=c.internship.start, end=c.internship.end, fit=0.0,
        )  # fmt: skip

    def _host_options(self, cohort_id: str, block: Block) -> list[tuple[Host, float, float]]:
        """Hosts one team may use on its own, best team value first (spread and worst fit
        excluded), each with the team's lowest fit."""
        options = []
        for h in self.hosts:
            if not all(self.pair[(m, h.id)] for m in block):
                continue
            if h.capacity.max_teams < 1 or len(block) > h.capacity.max_participants:
                continue
            if h.season_max_teams is not None and h.season_max_teams < 1:
                continue
            # one team alone never splits an organisation: 'together' is counted per split
            team = self._team_only(block, h, cohort_id)
            own = separable_value(self.problem, [team]) - self._spreads(h)
            lowest = min(fit(self.problem, self.people[m], h) for m in block)
            options.append((h, own, lowest))
        return sorted(options, key=lambda o: -o[1])

    def _spreads(self, h: Host) -> float:
        """What one team alone earns from host spread and season spread."""
        w = self.problem.weights
        return w.host_spread + (0.0 if h.id in self.problem.hosts_in_use else w.season_spread)

    def _season(self, chosen: Sequence[str]) -> float:
        w = self.problem.weights
        return w.season_spread * len(set(chosen) - set(self.problem.hosts_in_use))

    def _split_value(self, split: list[tuple[str, Block]]) -> float | None:
        """None when the split breaks a group rule; else its 'together' penalty."""
        problem = self.problem
        hosts = [problem.hosts[0].id] * len(split)
        teams = make_teams_light(problem, split, hosts)
        if _group_rules(problem, teams, scope={m for _, b in split for m in b}):
            return None
        if problem.rules.organisation == "together":
            return -problem.weights.organisation * organisation_breaches(problem, teams)
        return 0.0

    def run(self) -> tuple[float, list[Team]] | None:
        per_cohort = []
        for splits in _splits(self.problem):
            options = []
            for split in splits:
                base = self._split_value(split)
                if base is not None:
                    options.append((base, split))
            per_cohort.append(options)
        spread = self.problem.weights.host_spread + self.problem.weights.season_spread
        worst = self.problem.weights.worst_fit  # fits are at most 1
        queue = []
        for combo in itertools.product(*per_cohort):
            blocks = [b for _, split in combo for b in split]
            choices = [self._host_options(c, b) for c, b in blocks]
            if all(choices):
                base = sum(v for v, _ in combo)
                bound = base + sum(c[0][1] for c in choices) + spread * len(blocks) + worst
                queue.append((bound, base, blocks, choices))
        queue.sort(key=lambda item: -item[0])
        for bound, base, blocks, choices in queue:
            if self.best is not None and bound <= self.best[0] + TOLERANCE:
                break
            self.blocks, self.choices = blocks, choices
            self.rest = [sum(c[0][1] for c in choices[d:]) for d in range(len(choices) + 1)]
            state = (defaultdict(lambda: (0, 0)), Counter(), Counter())
            self._descend(0, [], base, 1.0, *state)
        if self.best is None:
            return None
        total, blocks, chosen = self.best
        return total, make_teams(self.problem, blocks, chosen)

    def _descend(
        self,
        depth: int,
        chosen: list[str],
        so_far: float,
        lowest: float,
        load: defaultdict[tuple[str, date], tuple[int, int]],
        season: Counter[str],
        pairs: Counter[tuple[str, str]],
    ) -> None:
        """Try every allowed host for team ``depth``, keeping per-day loads within capacity."""
        blocks, spread = self.blocks, self.problem.weights.host_spread
        season_weight = self.problem.weights.season_spread
        worst = self.problem.weights.worst_fit * lowest  # can only fall further
        if depth == len(blocks):
            total = so_far + spread * len(pairs) + self._season(chosen) + worst
            if self.best is None or total > self.best[0] + TOLERANCE:
                self.best = (total, list(blocks), list(chosen))
            return
        if self.best is not None:
            left = len(blocks) - depth
            bound = so_far + self.rest[depth] + spread * (len(pairs) + left) + worst
            bound += self._season(chosen) + season_weight * left
            if bound <= self.best[0] + TOLERANCE:
                return
        cohort_id, block = blocks[depth]
        for host, team_value, team_lowest in self.choices[depth]:
            if host.season_max_teams is not None and season[host.id] >= host.season_max_teams:
                continue
            keys = [(host.id, d) for d in self.days[cohort_id]]
            before = [load[k] for k in keys]
            cap = host.capacity
            if any(t >= cap.max_teams or n + len(block) > cap.max_participants for t, n in before):
                continue
            if not self._affordable(cohort_id, host.id):
                continue
            self.spent[cohort_id] += self.cost[(cohort_id, host.id)]
            for k, (t, n) in zip(keys, before, strict=True):
                load[k] = (t + 1, n + len(block))
            season[host.id] += 1
            pairs[(cohort_id, host.id)] += 1
            chosen.append(host.id)
            low = min(lowest, team_lowest)
            self._descend(depth + 1, chosen, so_far + team_value, low, load, season, pairs)
            chosen.pop()
            self.spent[cohort_id] -= self.cost[(cohort_id, host.id)]
            pairs[(cohort_id, host.id)] -= 1
            if not pairs[(cohort_id, host.id)]:
                del pairs[(cohort_id, host.id)]
            season[host.id] -= 1
            for k, old in zip(keys, before, strict=True):
                load[k] = old


def make_teams_light(
    problem: Problem, blocks: Sequence[tuple[str, Block]], hosts: Sequence[str]
) -> list[Team]:
    """Like :func:`make_teams` without computing fits (for group-rule checks only)."""
    cohorts = {c.id: c for c in problem.cohorts}
    return [
        Team(
            id=f"T{n:02d}", cohort=c, host=h, members=list(b),
            start=cohorts[c].internship.start, end=cohorts[c].internship.end, fit=0.0,
        )
        for n, ((c, b), h) in enumerate(zip(blocks, hosts, strict=True), 1)
    ]  # fmt: skip


def lowest_fit(problem: Problem, teams: Sequence[Team]) -> float:
    """The lowest fit of any placed participant (1.0 when nobody is placed)."""
    people = {p.id: p for p in problem.participants}
    hosts = {h.id: h for h in problem.hosts}
    fits = [fit(problem, people[m], hosts[t.host]) for t in teams for m in t.members]
    return min(fits) if fits else 1.0


def lexicographic_optimum(problem: Problem) -> tuple[float, float] | None:
    """README 'lexicographic': the best lowest fit F over valid plans, then the best
    objective among valid plans whose lowest fit is F (plain enumeration, no pruning)."""
    _guard(problem)
    scored = [
        (lowest_fit(problem, teams), value(problem, teams))
        for teams in candidates(problem)
        if not violations(problem, teams)
    ]
    if not scored:
        return None
    best_floor = max(low for low, _ in scored)
    return best_floor, max(v for low, v in scored if low >= best_floor - 1e-9)
