"""Hypothesis strategies for small, valid problems that exercise every rule.

Problems are kept tiny (<= 8 participants, <= 4 hosts) so the exhaustive optimum in
``exhaustive.py`` stays cheap; rules are drawn so that many, but not all, are feasible.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import exhaustive
from exhaustive import trip_cost, visit_trip_cost
from hypothesis import strategies as st

from icld_match import Problem
from icld_match.records.result import Team, Visit
from icld_match.records.schema import Rules

THEMES = ["dialogue", "waste", "gender", "climate"]
COUNTRIES = ["Kenya", "Serbia", "Indonesia"]
ORGANISATIONS = [None, None, "City A", "City B"]
STARTS = [date(2026, 5, 4), date(2026, 5, 5), date(2026, 9, 7)]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


Pick = Callable[[Any, st.SearchStrategy[Any]], Any]


@st.composite
def problems(
    draw: st.DrawFn,
    max_participants: int = 8,
    max_hosts: int = 4,
    max_cohorts: int = 2,
    fairness: bool = False,
    core_only: bool = False,
) -> Problem:
    """Random problems, feasible or not. ``core_only``: only the rules the benchmark peers
    model (no season fields: partnerships, history)."""
    # In plain problems every pair is allowed (one language, no dates, needs, blocks or
    # pins), so most are feasible and the team rules get exercised; the rest draw all rules.
    plain = draw(st.integers(0, 3)) > 0
    n_cohorts = draw(st.integers(1, max_cohorts))

    def pick(plain_value: Any, strategy: st.SearchStrategy[Any]) -> Any:
        return plain_value if plain else draw(strategy)

    cohorts = [_random_cohort(draw, c) for c in range(n_cohorts)]
    n_hosts = draw(st.integers(1 if not plain else min(2, max_hosts), max_hosts))
    host_ids = [f"H{h}" for h in range(n_hosts)]
    hosts = [_random_host(draw, pick, hid) for hid in host_ids]
    n_participants = draw(st.integers(min(2 * n_cohorts, max_participants), max_participants))
    # every cohort gets at least one member
    cohort_of = [f"C{i % n_cohorts}" for i in range(n_participants)]
    participants = [
        _random_participant(draw, pick, i, cohort_of[i], host_ids) for i in range(n_participants)
    ]
    data: dict[str, Any] = {"cohorts": cohorts, "participants": participants, "hosts": hosts}
    data.update(_random_groups(draw, plain, cohort_of, [p["id"] for p in participants], host_ids))
    data["rules"] = {
        "mixed_countries": draw(st.sampled_from(["off", "soft", "soft", "hard"])),
        "organisation": draw(st.sampled_from(["apart", "together", "neutral"])),
        "organisation_strictness": draw(st.sampled_from(["soft", "soft", "soft", "hard"])),
    }
    data["weights"] = {
        name: draw(st.sampled_from([0.0, 0.3, 1.0]))
        for name in ("thematic_fit", "country_mix", "organisation", "wishes", "host_spread")
    }
    if not core_only and _season_fields(draw, data, {}):
        data["rules"]["partnership"] = draw(st.sampled_from(["off", "soft", "hard"]))
        data["rules"]["revisit"] = draw(st.sampled_from(["off", "soft", "hard"]))
    if fairness:
        data["rules"].update(_fairness_rules(draw, draw(st.sampled_from([0.3, 0.6]))))
        data["weights"].update(_fairness_weights(draw))
        if data["rules"].get("fit_floor_strictness") != "soft":
            data["rules"]["objective"] = draw(st.sampled_from(["sum", "sum", "lexicographic"]))
        _tie_wishes(draw, data["participants"])
    return Problem.model_validate(data)


def _random_cohort(draw: st.DrawFn, c: int) -> dict[str, Any]:
    start = draw(st.sampled_from(STARTS))
    low = draw(st.sampled_from([1, 2, 2, 3]))
    high = draw(st.integers(low, 4))
    return {
        "id": f"C{c}",
        "name": f"Cohort {c}",
        "internship": {"start": start, "end": start + timedelta(days=1)},
        "team_size": {"min": low, "max": high},
    }


#: Host calendars a non-plain problem draws from: open always, in May or in September.
_AVAILABLE = [
    None,
    None,
    [{"start": date(2026, 5, 1), "end": date(2026, 5, 31)}],
    [{"start": date(2026, 9, 1), "end": date(2026, 9, 30)}],
]


def _host_head(draw: st.DrawFn, hid: str, max_themes: int) -> dict[str, Any]:
    """A host's id, names and themes (up to ``max_themes``, strengths 0.2-1)."""
    return {
        "id": hid,
        "name": f"Host {hid}",
        "municipality": hid,
        "themes": draw(
            st.dictionaries(
                st.sampled_from(THEMES), st.sampled_from([0.2, 0.5, 1.0]), max_size=max_themes
            )
        ),
    }


def _random_host(draw: st.DrawFn, pick: Pick, hid: str) -> dict[str, Any]:
    return {
        **_host_head(draw, hid, 3),
        "languages": pick(
            ["en"], st.sampled_from([["en"], ["en"], ["en", "fr"], ["sw", "en"], ["fr"]])
        ),
        "accessibility": pick([], st.sampled_from([[], ["step-free"], ["step-free"]])),
        "capacity": {
            "max_teams": draw(st.integers(1, 2)),
            "max_participants": draw(st.integers(2, 6)),
        },
        "available": pick(None, st.sampled_from(_AVAILABLE)),
        "season_max_teams": pick(None, st.sampled_from([None, None, 1, 2])),
        "closed_weekdays": pick([], st.sampled_from([[], [], ["sat", "sun"], ["tue"]])),
        "blackout": pick([], st.sampled_from([[], [], [{"start": STARTS[1], "end": STARTS[1]}]])),
    }


def _random_participant(
    draw: st.DrawFn, pick: Pick, i: int, cohort: str, host_ids: list[str]
) -> dict[str, Any]:
    wishes = draw(st.lists(st.sampled_from(host_ids), max_size=2, unique=True))
    free = [h for h in host_ids if h not in wishes]
    blocked = [draw(st.sampled_from(free))] if free and pick(1, st.integers(0, 2)) == 0 else []
    return {
        "id": f"P{i}",
        "name": f"Person {i}",
        "cohort": cohort,
        "country": draw(st.sampled_from(COUNTRIES)),
        "organisation": draw(st.sampled_from(ORGANISATIONS)),
        "languages": pick(["en"], st.sampled_from([["en"]] * 6 + [["en", "fr"], ["sw"]])),
        "themes": draw(
            st.dictionaries(st.sampled_from(THEMES), st.sampled_from([0.5, 1.0]), max_size=2)
        ),
        "access_needs": pick([], st.sampled_from([[], [], ["step-free"]])),
        "wishes": wishes,
        "blocked_hosts": blocked,
    }


def _random_groups(
    draw: st.DrawFn, plain: bool, cohort_of: list[str], ids: list[str], host_ids: list[str]
) -> dict[str, Any]:
    """A pin (not in plain problems), a keep-together pair of one cohort, a keep-apart pair."""
    groups: dict[str, Any] = {}
    if not plain and draw(st.booleans()):
        pid = draw(st.sampled_from(ids))
        groups["pins"] = [{"participant": pid, "host": draw(st.sampled_from(host_ids))}]
    if len(ids) >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        if cohort_of[ids.index(a)] == cohort_of[ids.index(b)]:
            groups["keep_together"] = [{"members": [a, b]}]
    if len(ids) >= 2 and draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        groups["keep_apart"] = [{"members": pair}]
    return groups


def _tie_wishes(draw: st.DrawFn, participants: list[dict[str, Any]]) -> None:
    """Ranked wishes with ties: two wishes often share rank 1, or the second is a tie of one."""
    for p in participants:
        wishes = p["wishes"]
        if len(wishes) >= 2:
            p["wishes"] = draw(
                st.sampled_from([wishes, [wishes], [wishes], [wishes[0], wishes[1:]]])
            )


def _fairness_weights(draw: st.DrawFn) -> dict[str, float]:
    """Worst-fit reward on in most draws, a soft floor's weight."""
    return {
        "worst_fit": draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
        "fit_floor": draw(st.sampled_from([0.3, 1.0, 3.0])),
    }


def _fairness_rules(draw: st.DrawFn, hard_floor: float | None) -> dict[str, Any]:
    """No floor, a soft floor, or (when given) a hard floor."""
    kind = draw(st.sampled_from(["none", "soft", "hard", "hard"]))
    if kind == "none" or (kind == "hard" and hard_floor is None):
        return {}
    if kind == "soft":
        return {"fit_floor": draw(st.sampled_from([0.3, 0.5, 1.0])), "fit_floor_strictness": "soft"}
    return {"fit_floor": hard_floor, "fit_floor_strictness": "hard"}


# --------------------------------------------------------------------------------------
# Season planning: municipal partnerships and rotation over the years
# --------------------------------------------------------------------------------------

TOWNS = [None, "Town A", "Town B"]
#: Partner entries: towns in another case, and countries as codes or in lower case.
PARTNERS = ["town a", "TOWN B", "KE", "serbia", "Indonesia"]
#: Past organisations: spelt with other case and spacing than the participants'.
PAST_ORGANISATIONS = ["city a", "City  B"]


def _season_fields(draw: st.DrawFn, data: dict[str, Any], host_of: dict[str, str]) -> bool:
    """Half of the time: home municipalities, host partners, a history of two seasons,
    hosts in use elsewhere (a workbook holds them in its settings sheet) and the four
    weights. Returns whether it drew them.

    With a hidden plan (``host_of``), half of the draws are *clean*: each partnered
    participant's home town is a partner of their hidden host only, and past visits
    name no organisation at a host where its members are in the hidden plan, so the
    hard rules can be switched on.
    """
    if draw(st.booleans()):
        return False
    clean = bool(host_of) and draw(st.booleans())
    people = data["participants"]
    for p in people:
        town = f"Town of {host_of[p['id']]}" if clean else draw(st.sampled_from(TOWNS))
        p["home_municipality"] = town if not clean or draw(st.booleans()) else None
    host_ids = [h["id"] for h in data["hosts"]]
    for h in data["hosts"]:
        drawn = draw(st.lists(st.sampled_from(PARTNERS), max_size=2, unique=True))
        h["partners"] = ([f"TOWN OF {h['id']}"] if draw(st.booleans()) else []) if clean else drawn
    visit = st.fixed_dictionaries(
        {
            "season": st.sampled_from(["2024", "2025"]),
            "host": st.sampled_from(host_ids),
            "teams": st.integers(0, 2),
            "organisations": st.lists(st.sampled_from(PAST_ORGANISATIONS), max_size=2, unique=True),
        }
    )
    history = draw(st.lists(visit, min_size=1, max_size=3))
    if clean:
        for v in history:
            here = {_plain(p["organisation"]) for p in people if host_of[p["id"]] == v["host"]}
            v["organisations"] = [o for o in v["organisations"] if _plain(o) not in here]
    data["history"] = history
    if draw(st.integers(0, 3)) == 0:
        data["hosts_in_use"] = [draw(st.sampled_from(host_ids))]
    for name in ("partnership", "season_spread", "host_relief", "revisit"):
        data["weights"][name] = draw(st.sampled_from([0.0, 0.3, 1.0]))
    return True


def _plain(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _season_rules(
    draw: st.DrawFn, data: dict[str, Any], plan: list[tuple[str, str, list[str]]]
) -> None:
    """Hard partnership / revisit only when the hidden plan obeys them (the oracle says)."""
    problem = Problem.model_validate(data)
    teams = hidden_teams(problem, plan)
    hard = Rules(partnership="hard", revisit="hard")
    broken = set(exhaustive.violations(problem.model_copy(update={"rules": hard}), teams))
    for rule in ("partnership", "revisit"):
        choices = ["off", "soft", *(["hard", "hard"] if rule not in broken else [])]
        data["rules"][rule] = draw(st.sampled_from(choices))


# --------------------------------------------------------------------------------------
# Planted problems: a hidden valid plan first, then capacities, dates and rules around it
# --------------------------------------------------------------------------------------

#: Internship starts: C0/C1 often share days (overlapping cohorts), September is apart.
PLANT_STARTS = [date(2026, 5, 4), date(2026, 5, 4), date(2026, 5, 5), date(2026, 9, 7)]
LANGUAGES = [["en"], ["en", "fr"], ["fr"], ["sw", "EN"]]


def _window(start: date) -> dict[str, date]:
    return {"start": start, "end": start + timedelta(days=1)}


@st.composite
def _hidden_teams(
    draw: st.DrawFn, max_participants: int, max_cohorts: int
) -> tuple[list[dict[str, Any]], list[tuple[str, list[int]]]]:
    """Cohorts and the hidden split: (cohort id, team sizes) per cohort."""
    cohorts: list[dict[str, Any]] = []
    split: list[tuple[str, list[int]]] = []
    budget = max_participants
    for c in range(draw(st.integers(1, max_cohorts))):
        low = draw(st.sampled_from([1, 2, 2, 2, 3]))
        high = draw(st.integers(low, min(4, max(low, budget))))
        if budget < low:
            break
        sizes: list[int] = []
        while budget - sum(sizes) >= low and (not sizes or draw(st.integers(0, 2)) > 0):
            sizes.append(draw(st.integers(low, min(high, budget - sum(sizes)))))
            if len(sizes) == 3:
                break
        budget -= sum(sizes)
        cid = f"C{c}"
        cohorts.append(
            {
                "id": cid,
                "name": f"Cohort {c}",
                "internship": _window(draw(st.sampled_from(PLANT_STARTS))),
                "team_size": {"min": low, "max": high},
            }
        )
        split.append((cid, sizes))
    return cohorts, split


def _availability(
    draw: st.DrawFn, used: list[date], unused: list[date]
) -> list[dict[str, date]] | None:
    """None, or ranges covering each used window (often not first; sometimes as two
    one-day ranges that only together cover it, which counts), plus decoys: a far range
    and, for an unused window, two one-day ranges that together cover it."""
    if draw(st.integers(0, 4)) == 0:
        return None
    ranges: list[dict[str, date]] = []
    for s in sorted(set(used)):
        if draw(st.integers(0, 3)) == 0:
            ranges += [{"start": s, "end": s}, {"start": s + timedelta(1), "end": s + timedelta(1)}]
        else:
            ranges.append(_window(s))
    if draw(st.booleans()) or not ranges:
        ranges.append({"start": date(2026, 11, 2), "end": date(2026, 11, 6)})
    split_for = [s for s in unused if s not in used]
    if split_for and draw(st.booleans()):
        s = draw(st.sampled_from(split_for))
        ranges += [{"start": s, "end": s}, {"start": s + timedelta(1), "end": s + timedelta(1)}]
    return draw(st.permutations(ranges))


def _closures(draw: st.DrawFn, used: list[date], unused: list[date]) -> dict[str, Any]:
    """Closed weekdays and blackout days that never hit the hidden plan's days, but often
    close a window the hidden plan does not use (so the solver must respect them). One
    draw, so the other features keep their shares of the derandomized draws."""
    used_days = {s + timedelta(k) for s in used for k in (0, 1)}
    free_weekdays = [w for i, w in enumerate(WEEKDAYS) if i not in {d.weekday() for d in used_days}]
    other_days = sorted({s + timedelta(k) for s in unused for k in (0, 1)} - used_days)
    choice = draw(st.integers(0, 5))
    out: dict[str, Any] = {}
    if choice in (1, 3):
        out["closed_weekdays"] = free_weekdays[choice // 2 :: 2]
    if choice in (2, 3) and other_days:
        out["blackout"] = [{"start": other_days[-1], "end": other_days[-1]}]
    return out


@st.composite
def planted(
    draw: st.DrawFn,
    max_participants: int = 8,
    max_hosts: int = 4,
    max_cohorts: int = 3,
    fairness: bool = False,
    core_only: bool = False,
    travel: bool = True,
    always_travel: bool = False,
) -> tuple[Problem, list[tuple[str, str, list[str]]]]:
    """A feasible problem and the hidden plan it was built around ((cohort, host, members)).

    Capacities, season caps and dates are derived from the hidden plan with little or no
    spare room, so every rule binds often; hard policies are switched on only when the
    hidden plan obeys them. With ``travel``, half of the draws get bases, locations,
    supplied costs and budgets at or just above the hidden plan's travel cost
    (``always_travel``: every draw).
    """
    cohorts, split = draw(_hidden_teams(max_participants, max_cohorts))
    n_hosts = draw(st.integers(2, max_hosts))
    host_ids = [f"H{h}" for h in range(n_hosts)]
    starts = {c["id"]: c["internship"]["start"] for c in cohorts}
    plan: list[tuple[str, str, list[str]]] = []
    n = 0
    for cid, sizes in split:
        for size in sizes:
            plan.append((cid, draw(st.sampled_from(host_ids)), [f"P{n + k}" for k in range(size)]))
            n += size
    hosts = [_planted_host(draw, hid, plan, starts) for hid in host_ids]
    host_of = {m: h for _, h, ms in plan for m in ms}
    by_host = {h["id"]: h for h in hosts}
    participants = []
    for cid, hid, members in plan:
        mixed = draw(st.integers(0, 3)) > 0
        for k, pid in enumerate(members):
            participants.append(
                _planted_participant(draw, pid, cid, by_host[hid], host_ids, k, mixed)
            )
    data: dict[str, Any] = {"cohorts": cohorts, "participants": participants, "hosts": hosts}
    data.update(_planted_groups(draw, plan, host_of))
    data["rules"] = _planted_rules(draw, plan, participants)
    data.update(_planted_weights(draw, participants, host_ids))
    if not core_only and _season_fields(draw, data, host_of):
        _season_rules(draw, data, plan)
    for h in hosts:  # closures drawn last
        used = [starts[c] for c, hid, _ in plan if hid == h["id"]]
        h.update(_closures(draw, used, list(starts.values())))
    if always_travel or (travel and not core_only and draw(st.booleans())):
        problem = _with_travel(draw, data, plan)
    else:
        problem = Problem.model_validate(data)
    if fairness:
        problem = _with_fairness(draw, problem, plan)
    return problem, plan


def _planted_weights(
    draw: st.DrawFn, participants: list[dict[str, Any]], host_ids: list[str]
) -> dict[str, Any]:
    """The weights (mostly on), and sometimes one affinity."""
    drawn: dict[str, Any] = {
        "weights": {
            name: draw(st.sampled_from([0.0, 0.3, 1.0, 1.0]))
            for name in ("thematic_fit", "country_mix", "organisation", "wishes", "host_spread")
        }
    }
    if draw(st.integers(0, 5)) == 0:
        p = draw(st.sampled_from(participants))
        drawn["affinities"] = [
            {"participant": p["id"], "host": draw(st.sampled_from(host_ids)), "value": 0.9}
        ]
    return drawn


def _with_fairness(
    draw: st.DrawFn, problem: Problem, plan: list[tuple[str, str, list[str]]]
) -> Problem:
    """Fairness fields around the hidden plan: a hard floor only at or below its lowest
    fit (often exactly on it, so the floor binds), a soft floor anywhere."""
    lowest = min(
        exhaustive.fit(problem, problem.participant(m), problem.host(h))
        for _, h, members in plan
        for m in members
    )
    hard = draw(st.sampled_from([lowest, lowest, lowest / 2])) if lowest > 0 else None
    data = problem.model_dump()
    data["rules"].update(_fairness_rules(draw, hard))
    data["weights"].update(_fairness_weights(draw))
    _tie_wishes(draw, data["participants"])
    return Problem.model_validate(data)


#: Bases (Stockholm, Visby) and host locations (Umeå, Malmö, Gävle, Visby, Kiruna).
BASES = [
    {"name": "Stockholm", "lat": 59.33, "lon": 18.07},
    {"name": "Visby", "lat": 57.64, "lon": 18.30},
]
PLACES = [
    {"lat": 63.83, "lon": 20.26},
    {"lat": 55.6, "lon": 13.0},
    {"lat": 60.67, "lon": 17.14},
    {"lat": 57.64, "lon": 18.3},
    {"lat": 67.86, "lon": 20.23},
]


def _with_travel(
    draw: st.DrawFn, data: dict[str, Any], plan: list[tuple[str, str, list[str]]]
) -> Problem:
    """Travel data around the hidden plan: bases, locations (some missing), supplied costs,
    settings, a travel weight and budgets at or just above the hidden plan's cost (by the
    oracle's own cost function)."""
    for c in data["cohorts"]:
        c["base"] = draw(st.sampled_from([*BASES, None]))
    for h in data["hosts"]:
        h["location"] = draw(st.sampled_from([*PLACES, None]))
    if draw(st.booleans()):
        data["travel_costs"] = [
            {
                "cohort": draw(st.sampled_from(data["cohorts"]))["id"],
                "host": draw(st.sampled_from(data["hosts"]))["id"],
                "cost": draw(st.sampled_from([0.0, 450.0, 2500.555, 9000.0])),
            }
        ]
    if draw(st.booleans()):
        data["travel"] = {
            "cost_per_km": draw(st.sampled_from([0.5, 2.5, 3.0])),
            "cost_per_trip": draw(st.sampled_from([0.0, 250.0, 1000.0])),
            "road_factor": draw(st.sampled_from([1.0, 1.3])),
        }
    data["weights"]["travel"] = draw(st.sampled_from([0.0, 0.1, 0.3, 0.3]))
    problem = Problem.model_validate(data)
    spent: dict[str, float] = {}
    for c, h, _ in plan:
        spent[c] = spent.get(c, 0.0) + trip_cost(problem, c, h)
    slack = st.sampled_from([0.0, 0.0, 0.0, 0.01, 1.0, 1000.0])
    for c in data["cohorts"]:
        if draw(st.booleans()):
            c["travel_budget"] = spent.get(c["id"], 0.0) + draw(slack)
    if draw(st.booleans()):
        data["travel_budget"] = sum(spent.values()) + draw(slack)
    return Problem.model_validate(data)


def _planted_host(
    draw: st.DrawFn, hid: str, plan: list[tuple[str, str, list[str]]], starts: dict[str, date]
) -> dict[str, Any]:
    mine = [(c, ms) for c, h, ms in plan if h == hid]
    load: dict[date, list[int]] = {}
    for c, ms in mine:
        for d in (starts[c], starts[c] + timedelta(1)):
            load.setdefault(d, [0, 0])
            load[d][0] += 1
            load[d][1] += len(ms)
    teams = max((t for t, _ in load.values()), default=0)
    people = max((p for _, p in load.values()), default=0)
    used = [starts[c] for c, _ in mine]
    return {
        **_host_head(draw, hid, 3),
        "languages": draw(st.sampled_from(LANGUAGES)),
        "accessibility": draw(st.sampled_from([[], ["step-free"], ["Step-Free", "loop"]])),
        "capacity": {
            "max_teams": teams + draw(st.sampled_from([0, 0, 1])),
            "max_participants": people + draw(st.sampled_from([0, 0, 1, 2])),
        },
        "available": _availability(draw, used, list(starts.values())),
        "season_max_teams": draw(st.sampled_from([None, len(mine), len(mine), len(mine) + 1])),
    }


def _planted_participant(
    draw: st.DrawFn,
    pid: str,
    cid: str,
    host: dict[str, Any],
    host_ids: list[str],
    k: int,
    mixed: bool,
) -> dict[str, Any]:
    spoken = draw(st.sampled_from(host["languages"])).swapcase()
    wishes = draw(st.lists(st.sampled_from(host_ids), max_size=2, unique=True))
    others = [h for h in host_ids if h != host["id"] and h not in wishes]
    return {
        "id": pid,
        "name": f"Person {pid}",
        "cohort": cid,
        "country": COUNTRIES[k % 2] if mixed else draw(st.sampled_from(COUNTRIES)),
        "organisation": draw(st.sampled_from(ORGANISATIONS)),
        "languages": [spoken, *draw(st.sampled_from([[], ["de"]]))],
        "themes": draw(
            st.dictionaries(st.sampled_from(THEMES), st.sampled_from([0.5, 1.0]), max_size=2)
        ),
        "access_needs": draw(st.sampled_from([[], *([n] for n in host["accessibility"])])),
        "wishes": wishes,
        "blocked_hosts": draw(st.sampled_from([[], [], *([o] for o in others)])),
    }


def _planted_groups(
    draw: st.DrawFn, plan: list[tuple[str, str, list[str]]], host_of: dict[str, str]
) -> dict[str, Any]:
    """Pins to hidden hosts, keep-together within a hidden team, keep-apart across teams."""
    out: dict[str, Any] = {}
    everyone = sorted(host_of, key=lambda m: int(m[1:]))
    if draw(st.booleans()):
        pinned = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=2, unique=True))
        out["pins"] = [{"participant": m, "host": host_of[m]} for m in pinned]
    pairs = [ms for _, _, ms in plan if len(ms) >= 2]
    if pairs and draw(st.booleans()):
        members = draw(st.sampled_from(pairs))
        out["keep_together"] = [{"members": members[: draw(st.integers(2, len(members)))]}]
    apart = [[a[0], b[0]] for i, (_, _, a) in enumerate(plan) for (_, _, b) in plan[i + 1 :]]
    if apart and draw(st.booleans()):
        out["keep_apart"] = [{"members": draw(st.sampled_from(apart))}]
    return out


def _planted_rules(
    draw: st.DrawFn, plan: list[tuple[str, str, list[str]]], participants: list[dict[str, Any]]
) -> dict[str, str]:
    """Hard policies only when the hidden plan obeys them (then half of the time)."""
    person = {p["id"]: p for p in participants}
    countries: dict[str, set[str]] = {}
    for p in participants:
        countries.setdefault(p["cohort"], set()).add(p["country"])
    mixed_ok = all(
        len(countries[c]) < 2 or len({person[m]["country"] for m in ms}) >= 2 for c, _, ms in plan
    )
    organisation = draw(st.sampled_from(["apart", "together", "neutral"]))
    orgs_per_team = [
        [person[m]["organisation"] for m in ms if person[m]["organisation"]] for _, _, ms in plan
    ]
    if organisation == "apart":
        org_ok = all(len(o) == len(set(o)) for o in orgs_per_team)
    else:
        seen: dict[tuple[str, str], int] = {}
        org_ok = True
        for i, (c, _, ms) in enumerate(plan):
            for m in ms:
                org = person[m]["organisation"]
                if org and seen.setdefault((c, org), i) != i:
                    org_ok = False
    mix = draw(st.sampled_from(["off", "soft", *["hard" if mixed_ok else "soft"] * 2]))
    hard = org_ok and draw(st.booleans())
    return {
        "mixed_countries": mix,
        "organisation": organisation,
        "organisation_strictness": "hard" if hard else "soft",
    }


def feasible_problems(
    max_participants: int = 8,
    max_hosts: int = 4,
    max_cohorts: int = 3,
    fairness: bool = False,
    core_only: bool = False,
    travel: bool = True,
) -> st.SearchStrategy[Problem]:
    """Problems with at least one valid plan (see :func:`planted`); ``core_only`` as in
    :func:`problems` (it also leaves travel out)."""
    pair = planted(max_participants, max_hosts, max_cohorts, fairness, core_only, travel)
    return pair.map(lambda drawn: drawn[0])


def hidden_teams(problem: Problem, plan: list[tuple[str, str, list[str]]]) -> list[Team]:
    """The hidden plan of :func:`planted` as teams (fit left at 0)."""
    return [
        Team(
            id=f"T{n:02d}",
            cohort=c,
            host=h,
            members=members,
            start=problem.cohort(c).internship.start,
            end=problem.cohort(c).internship.end,
            fit=0.0,
        )
        for n, (c, h, members) in enumerate(plan, 1)
    ]


def _day_ranges(days_used: set[date]) -> list[dict[str, date]]:
    """Each used day as its own one-day range: only merged do they cover an internship."""
    return [{"start": d, "end": d} for d in sorted(days_used)]


@st.composite
def planted_windows(
    draw: st.DrawFn, max_participants: int = 6, max_hosts: int = 3, max_cohorts: int = 2
) -> tuple[Problem, list[tuple[str, str, list[str], date]]]:
    """A feasible problem with internship windows and the hidden plan it was built around,
    ((cohort, host, members, first day)): the hidden days first, then windows around them,
    capacities from the hidden per-day load, and calendars that are open on the hidden
    days (one-day ranges, closed weekdays and blackouts elsewhere)."""
    cohorts, split = draw(_hidden_teams(max_participants, max_cohorts))
    policy = draw(st.sampled_from(["per_cohort", "per_team"]))
    host_ids = [f"H{h}" for h in range(draw(st.integers(1, max_hosts)))]
    plan: list[tuple[str, str, list[str], date]] = []
    n = 0
    for cohort, (cid, sizes) in zip(cohorts, split, strict=True):
        length = draw(st.sampled_from([1, 2, 2, 3]))
        first = date(2026, 5, 4) + timedelta(draw(st.integers(0, 3)))
        span = length + draw(st.integers(0, 3))
        del cohort["internship"]
        cohort.update(
            window={"start": first, "end": first + timedelta(span - 1)}, internship_days=length
        )
        shared = first + timedelta(draw(st.integers(0, span - length)))
        for size in sizes:
            start = (
                shared
                if policy == "per_cohort"
                else first + timedelta(draw(st.integers(0, span - length)))
            )
            members = [f"P{n + k}" for k in range(size)]
            plan.append((cid, draw(st.sampled_from(host_ids)), members, start))
            n += size
    length_of = {c["id"]: c["internship_days"] for c in cohorts}
    hosts = [_dated_host(draw, hid, _daily_load(hid, plan, length_of)) for hid in host_ids]
    participants = [
        {
            "id": m,
            "name": f"Person {m}",
            "cohort": cid,
            "country": draw(st.sampled_from(COUNTRIES)),
            "languages": ["en"],
            "themes": draw(
                st.dictionaries(st.sampled_from(THEMES), st.sampled_from([0.5, 1.0]), max_size=2)
            ),
            "wishes": draw(st.lists(st.sampled_from(host_ids), max_size=1)),
        }
        for cid, _, members, _ in plan
        for m in members
    ]
    data = {
        "cohorts": cohorts,
        "participants": participants,
        "hosts": hosts,
        "rules": {"internship_dates": policy},
    }
    return Problem.model_validate(data), plan


def _daily_load(
    hid: str, plan: list[tuple[str, str, list[str], date]], length_of: dict[str, int]
) -> dict[date, list[int]]:
    """[teams, people] the hidden plan puts at host ``hid`` on each day."""
    load: dict[date, list[int]] = {}
    for cid, h, members, start in plan:
        if h == hid:
            for k in range(length_of[cid]):
                cell = load.setdefault(start + timedelta(k), [0, 0])
                cell[0] += 1
                cell[1] += len(members)
    return load


def _dated_host(draw: st.DrawFn, hid: str, load: dict[date, list[int]]) -> dict[str, Any]:
    """A host whose capacity is the hidden per-day load (or one more) and whose calendar
    is open on the hidden days."""
    free_weekdays = [w for i, w in enumerate(WEEKDAYS) if i not in {d.weekday() for d in load}]
    return {
        **_host_head(draw, hid, 2),
        "languages": ["en"],
        "capacity": {
            "max_teams": max((t for t, _ in load.values()), default=0)
            + draw(st.sampled_from([0, 0, 1])),
            "max_participants": max((p for _, p in load.values()), default=0)
            + draw(st.sampled_from([0, 1])),
        },
        "available": draw(st.sampled_from([None, _day_ranges(set(load))])),
        "closed_weekdays": draw(st.sampled_from([[], free_weekdays[:3]])),
    }


# --------------------------------------------------------------------------------------
# Study visits: a hidden visit plan first, host group offers derived around it
# --------------------------------------------------------------------------------------


def _open_on(host: dict[str, Any], day: date) -> bool:
    """The host's calendar on ``day``: available ranges, closed weekdays, blackouts."""
    ranges = host.get("available")
    if ranges is not None and not any(r["start"] <= day <= r["end"] for r in ranges):
        return False
    if WEEKDAYS[day.weekday()] in (host.get("closed_weekdays") or []):
        return False
    return not any(r["start"] <= day <= r["end"] for r in host.get("blackout") or [])


@st.composite
def planted_visits(
    draw: st.DrawFn, max_participants: int = 6, max_hosts: int = 3, max_cohorts: int = 2
) -> tuple[Problem, list[tuple[str, str, list[str]]], list[tuple[str, str, str, date]]]:
    """A :func:`planted` problem whose cohorts (some of them) need study visits, and the
    hidden visits ((cohort, visit, host, day)) it was built around.

    Group capacities are the cohort's size (sometimes one more), ``max_per_day`` the
    hidden load of the day, ``with_teams`` on where the hidden plan puts a team of the
    cohort beside its group; a decoy host offers groups one person too small. Every
    draw is feasible: the hidden teams and visits are a valid plan.
    """
    problem, plan = draw(planted(max_participants, max_hosts, max_cohorts))
    data = problem.model_dump()
    hosts = {h["id"]: h for h in data["hosts"]}
    hidden: list[tuple[str, str, str, date]] = []
    for c in data["cohorts"]:
        first, last = c["internship"]["start"], c["internship"]["end"]
        window = [first + timedelta(n) for n in range((last - first).days + 1)]
        for k in range(draw(st.sampled_from([1, 2, 1, 0]))):
            explicit = draw(st.booleans())
            day = draw(st.sampled_from([*window, last + timedelta(1)] if explicit else window))
            open_hosts = [h for h in hosts.values() if _open_on(h, day)]
            if not open_hosts:
                continue
            again = [h for h in open_hosts if h["id"] in {v[2] for v in hidden}]
            host = draw(st.sampled_from(again if again and draw(st.booleans()) else open_hosts))
            visit: dict[str, Any] = {
                "id": f"V{k}",
                "themes": {draw(st.sampled_from(THEMES)): 1.0, draw(st.sampled_from(THEMES)): 0.5},
            }
            if explicit:
                visit["days"] = sorted({day, draw(st.sampled_from(window))})
            c["study_visits"].append(visit)
            hidden.append((c["id"], visit["id"], host["id"], day))
    for hid, host in hosts.items():
        _offer_group_visits(draw, data, host, [v for v in hidden if v[2] == hid], hidden, plan)
    data["weights"]["visit_fit"] = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    # Any cohort with a base pays for its visits' trips (its budget must grow), not only
    # when the first cohort has one.
    if any(c.get("base") is not None for c in data["cohorts"]) or draw(st.booleans()):
        _visits_travel(draw, data, plan, hidden)
    return Problem.model_validate(data), plan, hidden


def _offer_group_visits(
    draw: st.DrawFn,
    data: dict[str, Any],
    host: dict[str, Any],
    mine: list[tuple[str, str, str, date]],
    hidden: list[tuple[str, str, str, date]],
    plan: list[tuple[str, str, list[str]]],
) -> None:
    """The host's group offer around its hidden visits ``mine``; a host without any is
    sometimes a decoy, one person too small for the smallest visiting cohort."""
    size = Counter(p["cohort"] for p in data["participants"])
    if not mine:
        if draw(st.integers(0, 2)) == 0 and hidden:
            smallest = min(size[c] for c, *_ in hidden)
            host["group_visits"] = {"capacity": smallest - 1, "themes": {"waste": 1.0}}
        return
    load = Counter(v[3] for v in mine)
    team_there = {cid for cid, h, _ in plan if h == host["id"]}
    together = any(v[0] in team_there and data_day_in(data, v[0], v[3]) for v in mine)
    host["group_visits"] = {
        "capacity": max(size[v[0]] for v in mine) + draw(st.integers(0, 1)),
        "themes": {draw(st.sampled_from(THEMES)): draw(st.sampled_from([0.3, 1.0]))},
        "max_per_day": max(load.values()) + draw(st.sampled_from([0, 0, 1])),
        "with_teams": together or draw(st.booleans()),
        "days": None
        if draw(st.booleans())
        else [{"start": v[3], "end": v[3]} for v in sorted(mine, key=lambda v: v[3])],
    }


def _visits_travel(
    draw: st.DrawFn,
    data: dict[str, Any],
    plan: list[tuple[str, str, list[str]]],
    hidden: list[tuple[str, str, str, date]],
) -> None:
    """Travel for the study visits: bases and locations (drawn if the problem has none,
    then budgets exactly at the hidden plan's cost), a group factor, and every budget
    raised by the hidden visits' trips (oracle costs): the hidden plan still fits."""
    drawn = not any(c.get("base") for c in data["cohorts"])
    if drawn:
        for c in data["cohorts"]:
            c["base"] = draw(st.sampled_from(BASES))
        for h in data["hosts"]:
            h["location"] = draw(st.sampled_from([*PLACES, None]))
        data["weights"]["travel"] = draw(st.sampled_from([0.0, 0.1, 0.3]))
    data["travel"] = {**(data.get("travel") or {}), "group_factor": draw(GROUP_FACTORS)}
    problem = Problem.model_validate(data)
    spent: Counter[str] = Counter()
    for cid, hid, _ in plan if drawn else ():
        spent[cid] += trip_cost(problem, cid, hid)
    for cid, _, hid, _ in hidden:
        spent[cid] += visit_trip_cost(problem, cid, hid)
    for c in data["cohorts"]:
        if c.get("travel_budget") is not None:
            c["travel_budget"] += spent[c["id"]]
        elif drawn and draw(st.booleans()):
            c["travel_budget"] = spent[c["id"]]
    if data.get("travel_budget") is not None:
        data["travel_budget"] += sum(spent.values())
    elif drawn and draw(st.booleans()):
        data["travel_budget"] = sum(spent.values())


#: Study-visit group factors: the default, a team's own cost, free, and one between.
GROUP_FACTORS = st.sampled_from([6.0, 1.0, 0.0, 2.5])


def data_day_in(data: dict[str, Any], cohort_id: str, day: date) -> bool:
    """Whether the day lies in the cohort's internship (its teams are out then)."""
    c = next(c for c in data["cohorts"] if c["id"] == cohort_id)
    return bool(c["internship"]["start"] <= day <= c["internship"]["end"])


def hidden_visits(hidden: list[tuple[str, str, str, date]]) -> list[Visit]:
    return [Visit(cohort=c, visit=v, host=h, day=d, fit=0.0) for c, v, h, d in hidden]
