"""Hypothesis strategies for small, valid problems that exercise every rule.

Problems are kept tiny (<= 8 participants, <= 4 hosts) so the exhaustive optimum in
``exhaustive.py`` stays cheap; rules are drawn so that many, but not all, are feasible.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from icld_match import Problem
from icld_match.records.result import Team, Visit

THEMES = ["dialogue", "waste", "gender", "climate"]
COUNTRIES = ["Kenya", "Serbia", "Indonesia"]
ORGANISATIONS = [None, None, "City A", "City B"]
STARTS = [date(2026, 5, 4), date(2026, 5, 5), date(2026, 9, 7)]


@st.composite
def problems(
    draw: st.DrawFn, max_participants: int = 8, max_hosts: int = 4, max_cohorts: int = 2
) -> Problem:
    # In plain problems every pair is allowed (one language, no dates, needs, blocks or
    # pins), so most are feasible and the team rules get exercised; the rest draw all rules.
    plain = draw(st.integers(0, 3)) > 0
    n_cohorts = draw(st.integers(1, max_cohorts))

    def pick(plain_value: Any, strategy: st.SearchStrategy[Any]) -> Any:
        return plain_value if plain else draw(strategy)

    cohorts = []
    for c in range(n_cohorts):
        start = draw(st.sampled_from(STARTS))
        low = draw(st.sampled_from([1, 2, 2, 3]))
        high = draw(st.integers(low, 4))
        cohorts.append(
            {
                "id": f"C{c}",
                "name": f"Cohort {c}",
                "internship": {"start": start, "end": start + timedelta(days=1)},
                "team_size": {"min": low, "max": high},
            }
        )

    n_hosts = draw(st.integers(1 if not plain else min(2, max_hosts), max_hosts))
    host_ids = [f"H{h}" for h in range(n_hosts)]
    hosts = []
    for hid in host_ids:
        hosts.append(
            {
                "id": hid,
                "name": f"Host {hid}",
                "municipality": hid,
                "themes": draw(
                    st.dictionaries(
                        st.sampled_from(THEMES), st.sampled_from([0.2, 0.5, 1.0]), max_size=3
                    )
                ),
                "languages": pick(
                    ["en"], st.sampled_from([["en"], ["en"], ["en", "fr"], ["sw", "en"], ["fr"]])
                ),
                "accessibility": pick([], st.sampled_from([[], ["step-free"], ["step-free"]])),
                "capacity": {
                    "max_teams": draw(st.integers(1, 2)),
                    "max_participants": draw(st.integers(2, 6)),
                },
                "available": pick(
                    None,
                    st.sampled_from(
                        [
                            None,
                            None,
                            [{"start": date(2026, 5, 1), "end": date(2026, 5, 31)}],
                            [{"start": date(2026, 9, 1), "end": date(2026, 9, 30)}],
                        ]
                    ),
                ),
                "season_max_teams": pick(None, st.sampled_from([None, None, 1, 2])),
            }
        )

    n_participants = draw(st.integers(min(2 * n_cohorts, max_participants), max_participants))
    # every cohort gets at least one member
    cohort_of = [f"C{i % n_cohorts}" for i in range(n_participants)]
    participants = []
    for i in range(n_participants):
        wishes = draw(st.lists(st.sampled_from(host_ids), max_size=2, unique=True))
        free = [h for h in host_ids if h not in wishes]
        blocked = [draw(st.sampled_from(free))] if free and pick(1, st.integers(0, 2)) == 0 else []
        participants.append(
            {
                "id": f"P{i}",
                "name": f"Person {i}",
                "cohort": cohort_of[i],
                "country": draw(st.sampled_from(COUNTRIES)),
                "organisation": draw(st.sampled_from(ORGANISATIONS)),
                "languages": pick(["en"], st.sampled_from([["en"]] * 6 + [["en", "fr"], ["sw"]])),
                "themes": draw(
                    st.dictionaries(
                        st.sampled_from(THEMES), st.sampled_from([0.5, 1.0]), max_size=2
                    )
                ),
                "access_needs": pick([], st.sampled_from([[], [], ["step-free"]])),
                "wishes": wishes,
                "blocked_hosts": blocked,
            }
        )

    ids = [p["id"] for p in participants]
    data: dict[str, Any] = {"cohorts": cohorts, "participants": participants, "hosts": hosts}
    if not plain and draw(st.booleans()):
        pid = draw(st.sampled_from(ids))
        data["pins"] = [{"participant": pid, "host": draw(st.sampled_from(host_ids))}]
    if n_participants >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        if cohort_of[ids.index(a)] == cohort_of[ids.index(b)]:
            data["keep_together"] = [{"members": [a, b]}]
    if n_participants >= 2 and draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        data["keep_apart"] = [{"members": pair}]
    data["rules"] = {
        "mixed_countries": draw(st.sampled_from(["off", "soft", "soft", "hard"])),
        "organisation": draw(st.sampled_from(["apart", "together", "neutral"])),
        "organisation_strictness": draw(st.sampled_from(["soft", "soft", "soft", "hard"])),
    }
    data["weights"] = {
        name: draw(st.sampled_from([0.0, 0.3, 1.0]))
        for name in ("thematic_fit", "country_mix", "organisation", "wishes", "host_spread")
    }
    return Problem.model_validate(data)


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
    """None, or ranges covering each used window (often not first), plus decoys: a far
    range and, for an unused window, two one-day ranges that only together cover it."""
    if draw(st.integers(0, 4)) == 0:
        return None
    ranges = [_window(s) for s in sorted(set(used))]
    if draw(st.booleans()) or not ranges:
        ranges.append({"start": date(2026, 11, 2), "end": date(2026, 11, 6)})
    split_for = [s for s in unused if s not in used]
    if split_for and draw(st.booleans()):
        s = draw(st.sampled_from(split_for))
        ranges += [{"start": s, "end": s}, {"start": s + timedelta(1), "end": s + timedelta(1)}]
    return draw(st.permutations(ranges))


@st.composite
def planted(
    draw: st.DrawFn, max_participants: int = 8, max_hosts: int = 4, max_cohorts: int = 3
) -> tuple[Problem, list[tuple[str, str, list[str]]]]:
    """A feasible problem and the hidden plan it was built around ((cohort, host, members)).

    Capacities, season caps and dates are derived from the hidden plan with little or no
    spare room, so every rule binds often; hard policies are switched on only when the
    hidden plan obeys them.
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
    data["weights"] = {
        name: draw(st.sampled_from([0.0, 0.3, 1.0, 1.0]))
        for name in ("thematic_fit", "country_mix", "organisation", "wishes", "host_spread")
    }
    if draw(st.integers(0, 5)) == 0:
        p = draw(st.sampled_from(participants))
        data["affinities"] = [
            {"participant": p["id"], "host": draw(st.sampled_from(host_ids)), "value": 0.9}
        ]
    return Problem.model_validate(data), plan


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
        "id": hid,
        "name": f"Host {hid}",
        "municipality": hid,
        "themes": draw(
            st.dictionaries(st.sampled_from(THEMES), st.sampled_from([0.2, 0.5, 1.0]), max_size=3)
        ),
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
    max_participants: int = 8, max_hosts: int = 4, max_cohorts: int = 3
) -> st.SearchStrategy[Problem]:
    """Problems with at least one valid plan (see :func:`planted`)."""
    return planted(max_participants, max_hosts, max_cohorts).map(lambda pair: pair[0])


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


# --------------------------------------------------------------------------------------
# Study visits: a hidden visit plan first, host group offers derived around it
# --------------------------------------------------------------------------------------


def _open_on(host: dict[str, Any], day: date) -> bool:
    ranges = host.get("available")
    return ranges is None or any(r["start"] <= day <= r["end"] for r in ranges)


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
    size = {
        c["id"]: sum(p["cohort"] == c["id"] for p in data["participants"]) for c in data["cohorts"]
    }
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
        mine = [v for v in hidden if v[2] == hid]
        if not mine:
            if draw(st.integers(0, 2)) == 0 and hidden:  # a decoy, too small for a cohort
                smallest = min(size[c] for c, *_ in hidden)
                host["group_visits"] = {"capacity": smallest - 1, "themes": {"waste": 1.0}}
            continue
        load = Counter(v[3] for v in mine)
        team_there = {cid for cid, h, _ in plan if h == hid}
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
    data["weights"]["visit_fit"] = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0]))
    return Problem.model_validate(data), plan, hidden


def data_day_in(data: dict[str, Any], cohort_id: str, day: date) -> bool:
    """Whether the day lies in the cohort's internship (its teams are out then)."""
    c = next(c for c in data["cohorts"] if c["id"] == cohort_id)
    return bool(c["internship"]["start"] <= day <= c["internship"]["end"])


def hidden_visits(hidden: list[tuple[str, str, str, date]]) -> list[Visit]:
    return [Visit(cohort=c, visit=v, host=h, day=d, fit=0.0) for c, v, h, d in hidden]
