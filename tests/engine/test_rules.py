"""Each hard rule: a case it binds (drop it from the model and the independent checker
catches the breach) and a case it makes infeasible (status and reason say so)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import exhaustive
import pytest
from conftest import cohort, host, participant

from icld_match import Problem, Status, check, solve
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.catalogue import PAIR_RULES, entry
from icld_match.strategies.solve import solve_index

NO_SOFT = {"country_mix": 0, "organisation": 0, "wishes": 0, "host_spread": 0}
SEPTEMBER = [{"start": date(2026, 9, 1), "end": date(2026, 9, 30)}]


def build(
    participants: list[dict[str, Any]],
    hosts: list[dict[str, Any]],
    team_size: tuple[int, int] = (2, 4),
    cohorts: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Problem:
    """A problem where, unless told otherwise, only thematic fit counts."""
    data: dict[str, Any] = {
        "cohorts": cohorts or [cohort(team_size=team_size)],
        "participants": participants,
        "hosts": hosts,
        "weights": NO_SOFT,
        "rules": {"mixed_countries": "off", "organisation": "neutral"},
    }
    data.update(fields)
    return Problem.model_validate(data)


def themed(pid: str, theme: str, **fields: Any) -> dict[str, Any]:
    return participant(pid, themes={theme: 1.0}, **fields)


def offers(hid: str, theme: str, strength: float = 1.0, **fields: Any) -> dict[str, Any]:
    return host(hid, themes={theme: strength}, **fields)


def strong_and_weak(
    h1: dict[str, Any] | None = None, team: tuple[int, int] = (2, 2), **fields: Any
) -> Problem:
    """P1, P2 work on 'a'; H1 is the better host unless a rule forbids it for P1."""
    p1 = themed("P1", "a", **fields.pop("p1", {}))
    return build(
        [p1, themed("P2", "a")],
        [offers("H1", "a", 1.0, **(h1 or {})), offers("H2", "a", 0.3, accessibility=["step-free"])],
        team_size=team,
        **fields,
    )


def priced(
    budget: float | None = None, season: float | None = None, travel: float = 0.0
) -> Problem:
    """strong_and_weak with supplied trip costs: H1 5000 SEK, H2 1000 SEK; budgets optional."""
    problem = strong_and_weak()
    data = problem.model_dump()
    data["cohorts"][0]["travel_budget"] = budget
    data["travel_costs"] = [
        {"cohort": "C1", "host": "H1", "cost": 5000.0},
        {"cohort": "C1", "host": "H2", "cost": 1000.0},
    ]
    data["travel_budget"] = season
    data["weights"]["travel"] = travel
    return Problem.model_validate(data)


def two_teams_priced(budget: float | None = None, season: float | None = None) -> Problem:
    """Four people in teams of two; H1 (5000 SEK) and H2 (1000 SEK) each take one team."""
    return build(
        [themed(f"P{i}", "a") for i in range(1, 5)],
        [offers("H1", "a"), offers("H2", "a", 0.3)],
        team_size=(2, 2),
        cohorts=[cohort(team_size=(2, 2), travel_budget=budget)],
        travel_costs=[
            {"cohort": "C1", "host": "H1", "cost": 5000.0},
            {"cohort": "C1", "host": "H2", "cost": 1000.0},
        ],
        travel_budget=season,
    )


BINDING: dict[str, Callable[[], Problem]] = {
    # without "exactly one team" everybody would join both teams for double fit
    "placement": lambda: build(
        [themed(f"P{i}", "a") for i in range(1, 5)], [offers("H1", "a"), offers("H2", "a")]
    ),
    # without size bounds each participant would go alone to their own host
    "team_size": lambda: build(
        [themed("P1", "a"), themed("P2", "b"), themed("P3", "c")],
        [offers("Ha", "a"), offers("Hb", "b"), offers("Hc", "c")],
        team_size=(3, 3),
    ),
    "host_capacity": lambda: build(
        [themed(f"P{i}", "a") for i in range(1, 5)],
        [
            offers("H1", "a", capacity={"max_teams": 1, "max_participants": 2}),
            offers("H2", "a", 0.1),
        ],
    ),
    "season_cap": lambda: build(
        [
            themed("P1", "a"),
            themed("P2", "a"),
            themed("Q1", "a", cohort="C2"),
            themed("Q2", "a", cohort="C2"),
        ],
        [offers("H1", "a", season_max_teams=1), offers("H2", "a", 0.2)],
        cohorts=[cohort("C1"), cohort("C2", start=date(2026, 9, 7), end=date(2026, 9, 8))],
    ),
    "keep_together": lambda: build(
        [themed("P1", "a"), themed("P2", "b"), themed("P3", "a"), themed("P4", "b")],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 2),
        keep_together=[{"members": ["P1", "P2"]}],
    ),
    "keep_apart": lambda: build(
        [themed("P1", "a"), themed("P2", "a"), themed("P3", "b"), themed("P4", "b")],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 2),
        keep_apart=[{"members": ["P1", "P2"]}],
    ),
    "country_mix": lambda: build(
        [
            themed("P1", "a", country="Kenya"),
            themed("P2", "a", country="Kenya"),
            themed("P3", "b", country="Serbia"),
            themed("P4", "b", country="Serbia"),
        ],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 2),
        rules={"mixed_countries": "hard", "organisation": "neutral"},
    ),
    "organisation": lambda: build(
        [
            themed("P1", "a", organisation="X"),
            themed("P2", "a", organisation="X"),
            themed("P3", "b"),
            themed("P4", "b"),
        ],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 2),
        rules={
            "mixed_countries": "off",
            "organisation": "apart",
            "organisation_strictness": "hard",
        },
    ),
    # H1 (fit 1) costs 5000 SEK, H2 (fit 0.3) 1000 SEK; the budget allows H2 only
    "travel_budget": lambda: priced(budget=4000.0),
    "host_dates": lambda: strong_and_weak({"available": SEPTEMBER}),
    "language": lambda: strong_and_weak({"languages": ["sv"]}, p1={"languages": ["en"]}),
    "access": lambda: strong_and_weak(p1={"access_needs": ["step-free"]}),
    "blocked": lambda: strong_and_weak(p1={"blocked_hosts": ["H1"]}),
    "pin": lambda: strong_and_weak(pins=[{"participant": "P1", "host": "H2"}]),
    # without the rule both would go to the better H1 (fit 2.0 against 0.6 + 0.5 bonus)
    "partnership": lambda: _season_pair(
        "partnership", p1={"home_municipality": "Kisumu"}, h2={"partners": ["kisumu"]}
    ),
    "revisit": lambda: _season_pair(
        "revisit",
        p1={"organisation": "Kisumu County"},
        history=[{"season": "2025", "host": "H1", "organisations": ["kisumu  county"]}],
    ),
    # P2's fit at H1 (0.2) is below the floor; P1's at H2 is exactly on it (0.3, allowed)
    "fit_floor": lambda: floor_problem(0.3),
}


def _season_pair(
    rule: str,
    p1: dict[str, Any],
    h2: dict[str, Any] | None = None,
    keep_apart: bool = False,
    **fields: Any,
) -> Problem:
    """P1, P2 (and P3, P4 with ``keep_apart``) work on 'a'; H1 is the better host, H2 the
    one the hard ``rule`` leaves P1 (and P2); with ``keep_apart`` P1 and P2 may not share
    a team and H2 takes one team only."""
    people = [themed("P1", "a", **p1), themed("P2", "a", **(p1 if keep_apart else {}))]
    if keep_apart:
        people += [themed("P3", "a"), themed("P4", "a")]
        fields["keep_apart"] = [{"members": ["P1", "P2"]}]
    return build(
        people,
        [
            offers("H1", "a", 1.0, capacity={"max_teams": 2, "max_participants": 8}),
            offers("H2", "a", 0.3, **(h2 or {})),
        ],
        team_size=(2, 2),
        rules={"mixed_countries": "off", "organisation": "neutral", rule: "hard"},
        **fields,
    )


def floor_problem(floor: float, strictness: str = "hard", **weights: float) -> Problem:
    """P1 (theme a) and P2 (theme b) travel together. H1 (a 1.0, b 0.2) is the better
    host by summed fit (1.2 against 0.8) but leaves P2 at 0.2; H2 (a 0.3, b 0.5)."""
    return build(
        [themed("P1", "a"), themed("P2", "b")],
        [host("H1", themes={"a": 1.0, "b": 0.2}), host("H2", themes={"a": 0.3, "b": 0.5})],
        team_size=(2, 2),
        weights={**NO_SOFT, **weights},
        rules={
            "mixed_countries": "off",
            "organisation": "neutral",
            "fit_floor": floor,
            "fit_floor_strictness": strictness,
        },
    )


def _organisation_together() -> Problem:
    return build(
        [
            themed("P1", "a", organisation="X"),
            themed("P2", "b", organisation="X"),
            themed("P3", "a"),
            themed("P4", "b"),
        ],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 2),
        rules={
            "mixed_countries": "off",
            "organisation": "together",
            "organisation_strictness": "hard",
        },
    )


@pytest.mark.parametrize("rule", sorted(BINDING))
def test_rule_holds_in_solution(rule: str) -> None:
    problem = BINDING[rule]()
    allocation = solve(problem, workers=1, time_limit=60)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []


@pytest.mark.parametrize("rule", sorted(BINDING))
def test_dropping_rule_breaks_it(rule: str) -> None:
    """The rule is what keeps the optimum valid: without it the checker sees a breach."""
    problem = BINDING[rule]()
    relaxed = solve_index(
        ProblemIndex.build(problem), workers=1, time_limit=60, skip_rules=frozenset([rule])
    )
    assert relaxed.is_feasible()
    broken = {v.rule for v in check(problem, relaxed)}
    assert entry(rule).name in broken  # the catalogue maps a term to its rule


def test_organisation_together_hard() -> None:
    problem = _organisation_together()
    allocation = solve(problem, workers=1, time_limit=60)
    assert check(problem, allocation) == []
    assert allocation.team_of("P1") == allocation.team_of("P2")
    relaxed = solve_index(
        ProblemIndex.build(problem), workers=1, skip_rules=frozenset(["organisation"])
    )
    assert "organisation" in {v.rule for v in check(problem, relaxed)}


def test_every_model_rule_and_pair_rule_has_a_binding_case() -> None:
    from icld_match.engine.rules import RULES
    from icld_match.records.catalogue import CATALOGUE

    hard = {name for name, level, _ in RULES if "hard" in level}
    visits = {e.name for e in CATALOGUE if e.kind == "visit"}  # in test_visit_rules.py
    assert hard | set(PAIR_RULES) <= set(BINDING) | visits


INFEASIBLE: dict[str, tuple[Callable[[], Problem], list[str]]] = {
    "language": (
        lambda: strong_and_weak(p1={"languages": ["fr"]}),
        ["P1", "share no working language"],
    ),
    "host_dates": (
        lambda: build(
            [themed("P1", "a"), themed("P2", "a")], [offers("H1", "a", available=SEPTEMBER)]
        ),
        ["P1", "closed on an internship day"],
    ),
    # 5 May 2026 (the second internship day) is a blackout day inside the available range
    "host_dates_blackout": (
        lambda: build(
            [themed("P1", "a"), themed("P2", "a")],
            [offers("H1", "a", blackout=[{"start": date(2026, 5, 5), "end": date(2026, 5, 5)}])],
        ),
        ["P1", "closed on an internship day"],
    ),
    # 4 May 2026 is a Monday
    "host_dates_closed_weekday": (
        lambda: build(
            [themed("P1", "a"), themed("P2", "a")],
            [offers("H1", "a", closed_weekdays=["mon"])],
        ),
        ["P1", "closed on an internship day"],
    ),
    "access": (
        lambda: build(
            [themed("P1", "a", access_needs=["hearing-loop"]), themed("P2", "a")],
            [offers("H1", "a", accessibility=["step-free"])],
        ),
        ["P1", "lack a needed access feature"],
    ),
    "blocked": (
        lambda: build(
            [themed("P1", "a", blocked_hosts=["H1"]), themed("P2", "a")], [offers("H1", "a")]
        ),
        ["P1", "are blocked"],
    ),
    "pin": (
        lambda: strong_and_weak({"languages": ["sv"]}, pins=[{"participant": "P1", "host": "H1"}]),
        ["P1", "excluded by a pin", "share no working language"],
    ),
    "team_size_small_cohort": (
        lambda: build([themed("P1", "a")], [offers("H1", "a")]),
        ["C1", "fewer than its minimum team size 2"],
    ),
    "team_size_split": (
        lambda: build(
            [themed(f"P{i}", "a") for i in range(5)],
            [offers("H1", "a", capacity={"max_teams": 3, "max_participants": 9})],
            team_size=(2, 2),
        ),
        ["C1", "cannot split 5 participants into teams of 2-2"],
    ),
    "host_capacity": (
        lambda: build(
            [themed(f"P{i}", "a") for i in range(4)],
            [offers("H1", "a", capacity={"max_teams": 1, "max_participants": 2})],
        ),
        ["C1", "needs places for 4", "at most 2"],
    ),
    "keep_together_size": (
        lambda: build(
            [themed(f"P{i}", "a") for i in range(1, 5)],
            [offers("H1", "a"), offers("H2", "a")],
            team_size=(2, 2),
            keep_together=[{"members": ["P1", "P2", "P3"]}],
        ),
        ["keep_together[0]", "more than the team maximum 2"],
    ),
    "keep_together_vs_apart": (
        lambda: build(
            [themed(f"P{i}", "a") for i in range(1, 5)],
            [offers("H1", "a"), offers("H2", "a")],
            keep_together=[{"members": ["P1", "P2"]}],
            keep_apart=[{"members": ["P2", "P1"]}],
        ),
        ["keep_together[0]", "P1 and P2", "keep_apart"],
    ),
    "keep_together_no_common_host": (
        lambda: build(
            [themed("P1", "a", languages=["fr"]), themed("P2", "a", languages=["sw"])],
            [offers("H1", "a", languages=["fr"]), offers("H2", "a", languages=["sw"])],
            keep_together=[{"members": ["P1", "P2"]}],
        ),
        ["keep_together[0]", "no host can take all of its members"],
    ),
    # The following pass every pre-check; CP-SAT proves them infeasible.
    "season_cap": (
        lambda: build(
            [
                themed("P1", "a"),
                themed("P2", "a"),
                themed("Q1", "a", cohort="C2"),
                themed("Q2", "a", cohort="C2"),
            ],
            [offers("H1", "a", season_max_teams=1)],
            cohorts=[cohort("C1"), cohort("C2", start=date(2026, 9, 7), end=date(2026, 9, 8))],
        ),
        ["minimal set", "Host H1 takes at most 1 team(s) in the season", "Person P", "Person Q"],
    ),
    "keep_apart": (
        lambda: build(
            [themed("P1", "a"), themed("P2", "a")],
            [offers("H1", "a")],
            keep_apart=[{"members": ["P1", "P2"]}],
        ),
        ["minimal set", "no two of P1, P2 share a team (keep_apart[0])", "have 2 to 4 members"],
    ),
    "mixed_countries": (
        lambda: build(
            [themed(f"P{i}", "a", country="Kenya") for i in range(3)]
            + [themed("P9", "a", country="Serbia")],
            [offers("H1", "a"), offers("H2", "a")],
            team_size=(2, 2),
            rules={"mixed_countries": "hard", "organisation": "neutral"},
        ),
        ["every team of cohort C1 mixes countries", "teams of cohort C1 have 2 to 2 members"],
    ),
    "travel_budget_too_low": (
        lambda: priced(budget=999.0),
        ["Cohort C1 needs at least 1,000.00 SEK of travel", "travel budget of 999.00 SEK"],
    ),
    "travel_budget_season_too_low": (
        lambda: priced(season=999.0),
        ["The cohorts need at least 1,000.00 SEK", "season travel budget of 999.00 SEK"],
    ),
    # The cheap host takes one team; the second must pay 5000 SEK: 6000 > 5999.
    "travel_budget": (
        lambda: two_teams_priced(budget=5999.0),
        [
            "minimal set",
            "the teams of cohort C1 (Cohort C1) travel for at most 5,999.00 SEK",
            "Host H2 takes at most 1 team(s)",
        ],
    ),
    "travel_budget_season": (
        lambda: two_teams_priced(season=5999.0),
        ["minimal set", "all teams of the season travel for at most 5,999.00 SEK (season budget)"],
    ),
    "organisation": (
        lambda: build(
            [themed("P1", "a", organisation="X"), themed("P2", "a", organisation="X")],
            [offers("H1", "a")],
            rules={
                "mixed_countries": "off",
                "organisation": "apart",
                "organisation_strictness": "hard",
            },
        ),
        ["minimal set", "colleagues from X in C1 are kept apart (hard rule): P1, P2"],
    ),
    "partnership_precheck": (
        lambda: _season_pair(
            "partnership",
            p1={"home_municipality": "Kisumu"},
            h2={"partners": ["Kisumu"], "languages": ["sv"]},
        ),
        ["P1", "not a partner of their municipality or country", "share no working language"],
    ),
    "partnership": (
        lambda: _season_pair(
            "partnership",
            p1={"home_municipality": "Kisumu"},
            h2={"partners": ["Kisumu"]},
            keep_apart=True,
        ),
        [
            "minimal set",
            "Person P1 (P1, Kisumu) goes to a partner host: Host H2 (hard partnership rule)",
            "Person P2 (P2, Kisumu) goes to a partner host",
            "no two of P1, P2 share a team",
        ],
    ),
    "revisit": (
        lambda: _season_pair(
            "revisit",
            p1={"organisation": "X"},
            keep_apart=True,
            history=[{"season": "2025", "host": "H1", "organisations": ["X"]}],
        ),
        [
            "minimal set",
            "Person P1 (P1) of X is not sent back to Host H1, visited by their organisation "
            "in an earlier season (hard revisit rule)",
            "no two of P1, P2 share a team",
        ],
    ),
    "fit_floor_precheck": (
        lambda: build(
            [themed("P1", "a"), themed("P2", "a")],
            [offers("H1", "a", 0.4)],
            rules={"fit_floor": 0.5},
        ),
        ["P1", "1 fit below the floor"],
    ),
    # each participant has one host above the floor, so every pre-check passes; a team
    # needs both of them at one host: the floors and the team size conflict
    "fit_floor": (
        lambda: build(
            [themed("P1", "a"), themed("P2", "b")],
            [offers("H1", "a"), offers("H2", "b")],
            team_size=(2, 2),
            rules={"mixed_countries": "off", "organisation": "neutral", "fit_floor": 0.5},
        ),
        [
            "minimal set",
            "Person P1 (P1) goes only to a host whose thematic fit with them is "
            "at least the floor 0.5 (fit_floor, hard rule)",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_infeasible_case_is_reported(case: str) -> None:
    make, expected = INFEASIBLE[case]
    allocation = solve(make(), workers=1, time_limit=60)
    assert allocation.status is Status.INFEASIBLE
    assert allocation.teams == []
    text = "\n".join(allocation.reasons)
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in {text!r}"


# --------------------------------------------------------------------------------------
# One spare place: each limit is exactly one short of what the optimum would like, so a
# model with ``limit + 1`` (or ``min - 1``) finds a different, better-looking answer. The
# expected objective is worked out by hand (only thematic fit counts unless told).
# --------------------------------------------------------------------------------------

MAY_4_5 = (date(2026, 5, 4), date(2026, 5, 5))


def solved(problem: Problem, expected: float) -> dict[str, list[str]]:
    """Solve to a proven optimum; check it and its value (the oracle's own scorer)."""
    allocation = solve(problem, workers=1, time_limit=60)
    assert allocation.status is Status.OPTIMAL
    assert check(problem, allocation) == []
    assert exhaustive.violations(problem, allocation.teams) == []
    assert exhaustive.allocation_value(problem, allocation) == pytest.approx(expected, abs=1e-6)
    assert allocation.objective == pytest.approx(expected, abs=1e-3)  # the model's own value
    at: dict[str, list[str]] = {}
    for t in allocation.teams:
        at.setdefault(t.host, []).extend(t.members)
    return at


def test_max_participants_leaves_no_extra_place() -> None:
    """H1 (fit 1) takes 3 people: a fourth would add 0.9 if the model allowed 3 + 1."""
    problem = build(
        [themed(f"P{i}", "a") for i in range(1, 5)],
        [
            offers("H1", "a", capacity={"max_teams": 4, "max_participants": 3}),
            offers("H2", "a", 0.1, capacity={"max_teams": 4, "max_participants": 4}),
        ],
        team_size=(1, 2),
    )
    assert len(solved(problem, 3.1)["H1"]) == 3


def test_max_teams_leaves_no_extra_team() -> None:
    """Teams of one; H1 takes 2 teams, a third would gain 0.9 if the model allowed 2 + 1."""
    problem = build(
        [themed(f"P{i}", "a") for i in range(1, 4)],
        [
            offers("H1", "a", capacity={"max_teams": 2, "max_participants": 9}),
            offers("H2", "a", 0.1, capacity={"max_teams": 3, "max_participants": 9}),
        ],
        team_size=(1, 1),
    )
    assert len(solved(problem, 2.1)["H1"]) == 2


def test_max_teams_counts_every_cohort_in_the_field_that_day() -> None:
    """C1 and C2 share 5 May and each would like H1 (one team at a time): one of them
    goes to H2 (a slot per cohort hides a per-cohort count; only the shared limit binds)."""
    problem = build(
        [themed("P1", "a"), themed("Q1", "a", cohort="C2")],
        [
            offers("H1", "a", capacity={"max_teams": 1, "max_participants": 9}),
            offers("H2", "a", 0.1, capacity={"max_teams": 2, "max_participants": 9}),
        ],
        cohorts=[
            cohort("C1", team_size=(1, 1)),
            cohort("C2", start=date(2026, 5, 5), end=date(2026, 5, 6), team_size=(1, 1)),
        ],
    )
    assert len(solved(problem, 1.1)["H1"]) == 1


def test_capacity_counts_every_cohort_in_the_field_that_day() -> None:
    """C1 (4-5 May) and C2 (5-6 May) share 5 May: H1's 3 places hold one pair and one
    single, never both pairs (which a per-cohort count or 3 + 1 would allow)."""
    problem = build(
        [
            *(themed(p, "a") for p in ("P1", "P2")),
            *(themed(q, "a", cohort="C2") for q in ("Q1", "Q2")),
        ],
        [
            offers("H1", "a", capacity={"max_teams": 2, "max_participants": 3}),
            offers("H2", "a", 0.1, capacity={"max_teams": 4, "max_participants": 9}),
        ],
        cohorts=[
            cohort("C1", team_size=(1, 2)),
            cohort("C2", start=date(2026, 5, 5), end=date(2026, 5, 6), team_size=(1, 2)),
        ],
    )
    assert len(solved(problem, 3.1)["H1"]) == 3


def test_season_cap_leaves_no_extra_team() -> None:
    """Three cohorts apart in time; H1's season cap 2 sends the third team to H2."""
    starts = [date(2026, 5, 4), date(2026, 6, 8), date(2026, 9, 7)]
    problem = build(
        [themed(f"P{c}{i}", "a", cohort=f"C{c}") for c in range(3) for i in range(2)],
        [offers("H1", "a", season_max_teams=2), offers("H2", "a", 0.1)],
        cohorts=[
            cohort(f"C{c}", start=s, end=s + timedelta(1), team_size=(2, 2))
            for c, s in enumerate(starts)
        ],
    )
    assert len(solved(problem, 4.2)["H1"]) == 4


def test_team_size_max_leaves_no_extra_member() -> None:
    """H1 takes one team: two members, not the three that max 2 + 1 would allow."""
    problem = build(
        [themed(f"P{i}", "a") for i in range(1, 4)],
        [
            offers("H1", "a", capacity={"max_teams": 1, "max_participants": 9}),
            offers("H2", "a", 0.1),
        ],
        team_size=(1, 2),
    )
    assert len(solved(problem, 2.1)["H1"]) == 2


def test_team_size_min_forbids_a_team_one_short() -> None:
    """P1 fits only H1, P2 and P3 only H2, one team each: with min 2 nobody may go alone,
    so all three go together to H2 (2.0); min 2 - 1 would allow 1 + 2 for 3.0."""
    problem = build(
        [themed("P1", "a"), themed("P2", "b"), themed("P3", "b")],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 4),
    )
    assert len(solved(problem, 2.0)["H2"]) == 3


def test_keep_apart_allows_one_group_member_per_team() -> None:
    """H1 takes one team; only one of the group P1-P3 may be in it (a limit of 2 per
    team would put two there for 2.1)."""
    problem = build(
        [themed(f"P{i}", "a") for i in range(1, 4)],
        [
            offers("H1", "a", capacity={"max_teams": 1, "max_participants": 4}),
            offers("H2", "a", 0.1, capacity={"max_teams": 2, "max_participants": 4}),
        ],
        team_size=(1, 3),
        keep_apart=[{"members": ["P1", "P2", "P3"]}],
    )
    assert len(solved(problem, 1.2)["H1"]) == 1


def test_pin_sends_the_pinned_participant_to_a_worse_host() -> None:
    """P1 would gain 0.9 at H1; the pin holds P1 at H2 (fit 0.1 + three others at 0.5)."""
    others = [participant(f"P{i}", themes={"b": 1.0}) for i in range(2, 5)]
    problem = build(
        [themed("P1", "a"), *others],
        [host("H1", themes={"a": 1.0, "b": 0.5}), host("H2", themes={"a": 0.1, "b": 0.5})],
        team_size=(2, 2),
        pins=[{"participant": "P1", "host": "H2"}],
    )
    assert "P1" in solved(problem, 1.6)["H2"]


@pytest.mark.parametrize(("policy", "together"), [("apart", False), ("together", True)])
def test_organisation_penalty_is_subtracted(policy: str, together: bool) -> None:
    """Colleagues P1, P2 (org X): the soft policy's penalty lowers the objective, so the
    optimum obeys it (4.0); a reward instead of a penalty would pick the other split."""
    problem = build(
        [
            *(themed(p, "a", organisation="X") for p in ("P1", "P2")),
            *(themed(p, "a") for p in ("P3", "P4")),
        ],
        [offers("H1", "a"), offers("H2", "a")],
        team_size=(2, 2),
        weights={**NO_SOFT, "organisation": 0.5},
        rules={"mixed_countries": "off", "organisation": policy},
    )
    at = solved(problem, 4.0)
    assert any({"P1", "P2"} <= set(ms) for ms in at.values()) is together


def test_availability_range_that_is_not_the_first_counts() -> None:
    """H1 lists a November range first and the internship's range second."""
    november = {"start": date(2026, 11, 2), "end": date(2026, 11, 6)}
    may = {"start": MAY_4_5[0], "end": MAY_4_5[1]}
    problem = strong_and_weak({"available": [november, may]})
    assert sorted(solved(problem, 2.0)["H1"]) == ["P1", "P2"]


def test_ranges_that_only_together_cover_the_internship_make_a_host_available() -> None:
    """The ranges are one set of days: 4 May and 5 May as two ranges open H1 for a 4-5 May
    internship, so the team goes to the better host H1."""
    days = [{"start": d, "end": d} for d in MAY_4_5]
    problem = strong_and_weak({"available": days})
    assert sorted(solved(problem, 2.0)["H1"]) == ["P1", "P2"]


@pytest.mark.parametrize(
    "closure",
    [
        {"blackout": [{"start": MAY_4_5[1], "end": MAY_4_5[1]}]},
        {"closed_weekdays": ["Monday"]},  # 4 May 2026 is a Monday
        {"available": [{"start": MAY_4_5[0], "end": MAY_4_5[0]}]},
    ],
)
def test_one_closed_internship_day_closes_the_host(closure: dict[str, Any]) -> None:
    """One closed day is enough: the team goes to the weaker H2 (fit 0.3 each); a model
    without the rule sends it to H1 and the checker names the closed day."""
    problem = strong_and_weak(closure)
    assert sorted(solved(problem, 0.6)["H2"]) == ["P1", "P2"]
    relaxed = solve_index(
        ProblemIndex.build(problem), workers=1, time_limit=60, skip_rules=frozenset(["host_dates"])
    )
    breaches = [v for v in check(problem, relaxed) if v.rule == "host_dates"]
    assert breaches and "H1" in breaches[0].records


def test_limits_hold_at_every_host_not_only_the_first() -> None:
    """A first host nobody can use (Swedish only, no cap) before the binding ones: a loop
    that stops at it instead of skipping it would leave H1's limits out."""
    closed = offers("H0", "a", languages=["sv"])
    capped = build(
        [themed(f"P{i}", "a") for i in range(1, 5)],
        [
            closed,
            offers("H1", "a", capacity={"max_teams": 4, "max_participants": 3}),
            offers("H2", "a", 0.1, capacity={"max_teams": 4, "max_participants": 4}),
        ],
        team_size=(1, 2),
    )
    assert len(solved(capped, 3.1)["H1"]) == 3
    starts = [date(2026, 5, 4), date(2026, 6, 8), date(2026, 9, 7)]
    seasonal = build(
        [themed(f"P{c}{i}", "a", cohort=f"C{c}") for c in range(3) for i in range(2)],
        [closed, offers("H1", "a", season_max_teams=2), offers("H2", "a", 0.1)],
        cohorts=[
            cohort(f"C{c}", start=s, end=s + timedelta(1), team_size=(2, 2))
            for c, s in enumerate(starts)
        ],
    )
    assert len(solved(seasonal, 4.2)["H1"]) == 4


def test_participants_without_organisation_are_not_colleagues() -> None:
    """P3 and P4 have no organisation, P1 and P2 different ones: the 'apart' policy costs
    nothing, so the model's objective is the fit alone (4.0)."""
    problem = build(
        [
            themed("P1", "b", organisation="X"),
            themed("P2", "b", organisation="Y"),
            themed("P3", "a"),
            themed("P4", "a"),
        ],
        [offers("H1", "a"), offers("H2", "b")],
        team_size=(2, 2),
        weights={**NO_SOFT, "organisation": 0.5},
        rules={"mixed_countries": "off", "organisation": "apart"},
    )
    assert sorted(solved(problem, 4.0)["H1"]) == ["P3", "P4"]


@pytest.mark.parametrize("budget", [1000.0, 1000.004])
def test_travel_budget_holds_a_trip_that_costs_exactly_the_budget(budget: float) -> None:
    """H2's 1000 SEK fits a budget of 1000 (and of 1000 plus less than an öre): feasible."""
    assert sorted(solved(priced(budget=budget), 0.6)["H2"]) == ["P1", "P2"]
    assert sorted(solved(priced(season=budget), 0.6)["H2"]) == ["P1", "P2"]


def test_travel_budget_leaves_no_spare_sek() -> None:
    """Two teams of two; both would go to H1 (fit 1, 5000 SEK each), H2 has fit 0.1 at
    1000 SEK. A budget of 6000 SEK allows one team at H1 (2.2); 5999 SEK allows none (0.4):
    a model that allowed one SEK more would still send a team to H1."""

    def four(budget: float, season: bool) -> Problem:
        return build(
            [themed(f"P{i}", "a") for i in range(1, 5)],
            [
                offers("H1", "a", capacity={"max_teams": 2, "max_participants": 4}),
                offers("H2", "a", 0.1, capacity={"max_teams": 2, "max_participants": 4}),
            ],
            team_size=(2, 2),
            cohorts=[cohort(team_size=(2, 2), travel_budget=None if season else budget)],
            travel_costs=[
                {"cohort": "C1", "host": "H1", "cost": 5000.0},
                {"cohort": "C1", "host": "H2", "cost": 1000.0},
            ],
            travel_budget=budget if season else None,
            weights={**NO_SOFT, "travel": 0.0},
        )

    for season in (False, True):
        assert len(solved(four(6000.0, season), 2.2)["H1"]) == 2
        assert "H1" not in solved(four(5999.0, season), 0.4)


@pytest.mark.parametrize(("weight", "where"), [(0.1, "H1"), (0.2, "H2")])
def test_travel_weight_trades_cost_against_fit(weight: float, where: str) -> None:
    """H1: fit 2 x 1.0, 10,000 SEK; H2: fit 2 x 0.5, 1000 SEK. At 0.1 per 1,000 SEK H1 wins
    (2.0 - 1.0 = 1.0 against 1.0 - 0.1 = 0.9); at 0.2, H2 (0.8 against 0.0)."""
    problem = build(
        [themed("P1", "a"), themed("P2", "a")],
        [offers("H1", "a"), offers("H2", "a", 0.5)],
        travel_costs=[
            {"cohort": "C1", "host": "H1", "cost": 10_000.0},
            {"cohort": "C1", "host": "H2", "cost": 1000.0},
        ],
        weights={**NO_SOFT, "travel": weight},
    )
    expected = {0.1: 1.0, 0.2: 0.8}[weight]
    assert sorted(solved(problem, expected)[where]) == ["P1", "P2"]
    allocation = solve(problem, workers=1, time_limit=60)
    travel = allocation.term("travel")
    assert travel.sense == "penalty"
    assert travel.value == pytest.approx(10.0 if where == "H1" else 1.0)


def test_problems_without_travel_data_report_no_travel_term() -> None:
    allocation = solve(strong_and_weak(), workers=1, time_limit=60)
    assert "travel" not in {t.name for t in allocation.terms}
