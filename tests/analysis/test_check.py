"""Hand-checkable tests of the independent checker, its score and the brute-force oracle.

Each hard rule gets one allocation that keeps it and one that breaks it. The base
allocation sends the mixed teams {P1 (Kenya), P3 (Uganda)} to H1 and {P2 (Kenya),
P4 (Uganda)} to H2, and keeps every rule of the default tiny problem.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import exhaustive
import pytest
from conftest import allocation, cohort, host, participant, team, tiny_problem

from icld_match.analysis.check import RULES, Violation, check, objective, score, thematic_fit
from icld_match.records.result import Allocation, Status, TermValue
from icld_match.records.schema import Problem

# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def base() -> Allocation:
    return allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H2", ["P2", "P4"]))


def of(rule: str, problem: Problem, alloc: Allocation) -> list[Violation]:
    """The violations of one rule, so each test looks only at the rule it is about."""
    assert rule in RULES
    return [v for v in check(problem, alloc) if v.rule == rule]


def only(rule: str, problem: Problem, alloc: Allocation) -> Violation:
    found = of(rule, problem, alloc)
    assert len(found) == 1, found
    return found[0]


def two_cohorts(**overrides: Any) -> Problem:
    """C1 (P1-P4, 4-5 May) and C2 (Q1, Q2, 6-7 May unless overridden)."""
    data: dict[str, Any] = {
        "cohorts": [cohort("C1"), cohort("C2", date(2026, 5, 6), date(2026, 5, 7))],
        "participants": [
            participant("P1", country="Kenya"),
            participant("P2", country="Kenya"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
            participant("Q1", cohort="C2", country="Laos"),
            participant("Q2", cohort="C2", country="Laos"),
        ],
    }
    data.update(overrides)
    return tiny_problem(**data)


C2_DATES: dict[str, Any] = {"cohort": "C2", "start": date(2026, 5, 6), "end": date(2026, 5, 7)}


def test_base_allocation_is_valid() -> None:
    assert check(tiny_problem(), base()) == []


# --------------------------------------------------------------------------------------
# hard rules
# --------------------------------------------------------------------------------------


def test_placement_missing_participant() -> None:
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H2", ["P2"]))
    v = only("placement", tiny_problem(), alloc)
    assert v.records == ("P4",)
    assert "P4" in v.message


def test_placement_duplicate_and_unknown() -> None:
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H2", ["P2", "P4", "P1", "PX"]))
    found = of("placement", tiny_problem(), alloc)
    assert {v.records for v in found} == {("PX", "T2"), ("P1", "T1", "T2")}


def test_placement_empty_allocation_reports_everyone() -> None:
    found = of("placement", tiny_problem(), allocation())
    assert sorted(v.records for v in found) == [("P1",), ("P2",), ("P3",), ("P4",)]


def test_team_ids() -> None:
    assert of("team_ids", tiny_problem(), base()) == []
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T1", "H2", ["P2", "P4"]))
    assert only("team_ids", tiny_problem(), alloc).records == ("T1",)


def test_team_cohort() -> None:
    problem = two_cohorts()
    good = allocation(
        team("T1", "H1", ["P1", "P2", "P3", "P4"]), team("T2", "H1", ["Q1", "Q2"], **C2_DATES)
    )
    assert check(problem, good) == []
    mixed = allocation(
        team("T1", "H1", ["P1", "P2", "Q1"]), team("T2", "H1", ["P3", "P4", "Q2"], **C2_DATES)
    )
    found = of("team_cohort", problem, mixed)
    assert {v.records for v in found} == {
        ("T1", "Q1", "C1"),
        ("T2", "P3", "C2"),
        ("T2", "P4", "C2"),
    }


def test_team_cohort_unknown() -> None:
    alloc = allocation(team("T1", "H1", ["P1", "P3"], cohort="C9"), team("T2", "H2", ["P2", "P4"]))
    assert only("team_cohort", tiny_problem(), alloc).records == ("T1", "C9")


def test_team_size() -> None:
    problem = tiny_problem(cohorts=[cohort(team_size=(2, 3))])
    assert of("team_size", problem, base()) == []
    alloc = allocation(team("T1", "H1", ["P1", "P2", "P3", "P4"]))
    v = only("team_size", problem, alloc)
    assert v.records == ("T1", "C1")
    assert "4 members" in v.message
    small = allocation(team("T1", "H1", ["P1", "P2", "P3"]), team("T2", "H2", ["P4"]))
    assert only("team_size", problem, small).records == ("T2", "C1")


def test_host_known() -> None:
    assert of("host_known", tiny_problem(), base()) == []
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H9", ["P2", "P4"]))
    assert only("host_known", tiny_problem(), alloc).records == ("T2", "H9")


def test_team_dates() -> None:
    assert of("team_dates", tiny_problem(), base()) == []
    alloc = allocation(
        team("T1", "H1", ["P1", "P3"]),
        team("T2", "H2", ["P2", "P4"], start=date(2026, 5, 5), end=date(2026, 5, 6)),
    )
    assert only("team_dates", tiny_problem(), alloc).records == ("T2", "C1")


def test_host_dates() -> None:
    covered = tiny_problem(
        hosts=[
            host("H1"),
            host(
                "H2",
                available=[
                    {"start": "2026-01-01", "end": "2026-01-31"},
                    {"start": "2026-05-01", "end": "2026-05-05"},
                ],
            ),
        ]
    )
    assert of("host_dates", covered, base()) == []
    # two ranges that only together cover the internship count (the ranges are one set)
    split = tiny_problem(
        hosts=[
            host("H1"),
            host(
                "H2",
                available=[
                    {"start": "2026-05-01", "end": "2026-05-04"},
                    {"start": "2026-05-05", "end": "2026-05-09"},
                ],
            ),
        ]
    )
    assert of("host_dates", split, base()) == []
    gap = tiny_problem(
        hosts=[
            host("H1"),
            host(
                "H2",
                available=[
                    {"start": "2026-05-01", "end": "2026-05-04"},
                    {"start": "2026-05-06", "end": "2026-05-09"},
                ],
            ),
        ]
    )
    breach = only("host_dates", gap, base())
    assert breach.records == ("T2", "H2", "C1") and "2026-05-05" in breach.message


@pytest.mark.parametrize(
    "closure",
    [
        {"blackout": [{"start": "2026-05-05", "end": "2026-05-07"}]},
        {"closed_weekdays": ["tue"]},  # 5 May 2026 is a Tuesday
    ],
)
def test_host_dates_blackout_and_closed_weekday(closure: dict[str, object]) -> None:
    closed = tiny_problem(hosts=[host("H1"), host("H2", **closure)])
    breach = only("host_dates", closed, base())
    assert breach.records == ("T2", "H2", "C1")
    assert "on 2026-05-05 (team dates" in breach.message
    other_day = tiny_problem(hosts=[host("H1"), host("H2", closed_weekdays=["sat", "sun"])])
    assert of("host_dates", other_day, base()) == []


def test_host_capacity_teams() -> None:
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H1", ["P2", "P4"]))
    roomy = tiny_problem(
        hosts=[host("H1", capacity={"max_teams": 2, "max_participants": 4}), host("H2")]
    )
    assert of("host_capacity", roomy, alloc) == []
    v = only("host_capacity", tiny_problem(), alloc)  # default: one team at a time
    assert v.records == ("H1", "T1", "T2")
    assert "2026-05-04..2026-05-05" in v.message


def test_host_capacity_participants() -> None:
    problem = tiny_problem(
        hosts=[host("H1", capacity={"max_teams": 2, "max_participants": 3}), host("H2")]
    )
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H1", ["P2", "P4"]))
    assert only("host_capacity", problem, alloc).records == ("H1", "T1", "T2")
    single = tiny_problem(
        hosts=[host("H1", capacity={"max_teams": 1, "max_participants": 1}), host("H2")]
    )
    assert only("host_capacity", single, base()).records == ("H1", "T1")


def test_host_capacity_counts_only_shared_days() -> None:
    apart = two_cohorts()  # C2 starts the day after C1 ends
    alloc = allocation(
        team("T1", "H1", ["P1", "P2", "P3", "P4"]), team("T2", "H1", ["Q1", "Q2"], **C2_DATES)
    )
    assert of("host_capacity", apart, alloc) == []
    overlapping = two_cohorts(
        cohorts=[cohort("C1"), cohort("C2", date(2026, 5, 5), date(2026, 5, 6))]
    )
    shifted = allocation(
        team("T1", "H1", ["P1", "P2", "P3", "P4"]),
        team("T2", "H1", ["Q1", "Q2"], cohort="C2", start=date(2026, 5, 5), end=date(2026, 5, 6)),
    )
    v = only("host_capacity", overlapping, shifted)
    assert v.records == ("H1", "T1", "T2")
    assert "on 2026-05-05:" in v.message


def test_season_cap() -> None:
    alloc = allocation(
        team("T1", "H1", ["P1", "P2", "P3", "P4"]), team("T2", "H1", ["Q1", "Q2"], **C2_DATES)
    )
    assert of("season_cap", two_cohorts(hosts=[host("H1", season_max_teams=2)]), alloc) == []
    capped = two_cohorts(hosts=[host("H1", season_max_teams=1)])
    assert only("season_cap", capped, alloc).records == ("H1", "T1", "T2")


def test_travel_budget() -> None:
    """T1 (C1 at H1) 3000 SEK, T2 (C2 at H1) 2000 SEK, supplied; budgets by cohort and season."""
    costs = [
        {"cohort": "C1", "host": "H1", "cost": 3000.0},
        {"cohort": "C2", "host": "H1", "cost": 2000.0},
    ]
    alloc = allocation(
        team("T1", "H1", ["P1", "P2", "P3", "P4"]), team("T2", "H1", ["Q1", "Q2"], **C2_DATES)
    )
    hosts = [host("H1", capacity={"max_teams": 2, "max_participants": 6})]
    within = two_cohorts(hosts=hosts, travel_costs=costs, travel_budget=5000.0)
    assert of("travel_budget", within, alloc) == []
    data = within.model_dump()
    data["cohorts"][0]["travel_budget"] = 2999.99
    data["travel_budget"] = 4999.0
    broken = Problem.model_validate(data)
    found = of("travel_budget", broken, alloc)
    assert [v.records for v in found] == [("C1", "T1"), ("C1", "C2")]
    assert "3,000.00 SEK, above its budget of 2,999.99 SEK" in found[0].message
    assert "above the season budget of 4,999.00 SEK" in found[1].message
    data["cohorts"][0]["travel_budget"] = 2999.996  # within half an öre: float rounding only
    data["travel_budget"] = None
    assert of("travel_budget", Problem.model_validate(data), alloc) == []
    assert exhaustive.violations(Problem.model_validate(data), alloc.teams) == []
    assert exhaustive.violations(broken, alloc.teams) == ["travel_budget"]


def test_travel_term_is_the_summed_cost_in_thousands() -> None:
    problem = two_cohorts(
        hosts=[host("H1", capacity={"max_teams": 2, "max_participants": 6})],
        travel_costs=[{"cohort": "C1", "host": "H1", "cost": 3000.0}],
        weights={"travel": 0.5},
    )
    alloc = allocation(
        team("T1", "H1", ["P1", "P2", "P3", "P4"]), team("T2", "H1", ["Q1", "Q2"], **C2_DATES)
    )
    travel = next(t for t in score(problem, alloc) if t.name == "travel")
    assert (travel.value, travel.contribution) == (3.0, -1.5)
    assert "travel" not in {t.name for t in score(two_cohorts(), alloc)}


def test_language_ignores_case() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", languages=["FR"]),
            participant("P2"),
            participant("P3", country="Uganda", languages=["fr", "EN"]),
            participant("P4", country="Uganda"),
        ],
        hosts=[host("H1", languages=["Fr"]), host("H2", languages=["en", "sv"])],
    )
    assert of("language", problem, base()) == []
    swapped = allocation(team("T1", "H2", ["P1", "P3"]), team("T2", "H1", ["P2", "P4"]))
    found = of("language", problem, swapped)
    assert {v.records for v in found} == {
        ("P1", "H2", "T1"),
        ("P2", "H1", "T2"),
        ("P4", "H1", "T2"),
    }


def test_access() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", access_needs=["Step-free", "hearing loop"]),
            participant("P2"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
        ],
        hosts=[
            host("H1", accessibility=["STEP-FREE", "Hearing Loop"]),
            host("H2", accessibility=["step-free"]),
        ],
    )
    assert of("access", problem, base()) == []
    swapped = allocation(team("T1", "H2", ["P1", "P3"]), team("T2", "H1", ["P2", "P4"]))
    v = only("access", problem, swapped)
    assert v.records == ("P1", "H2", "T1")
    assert "hearing loop" in v.message


def test_blocked() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", blocked_hosts=["H2"]),
            participant("P2"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
        ]
    )
    assert of("blocked", problem, base()) == []
    swapped = allocation(team("T1", "H2", ["P1", "P3"]), team("T2", "H1", ["P2", "P4"]))
    assert only("blocked", problem, swapped).records == ("P1", "H2", "T1")


def test_pin() -> None:
    assert of("pin", tiny_problem(pins=[{"participant": "P1", "host": "H1"}]), base()) == []
    problem = tiny_problem(pins=[{"participant": "P1", "host": "H2"}])
    assert only("pin", problem, base()).records == ("P1", "H2", "T1")
    unplaced = allocation(team("T2", "H2", ["P2", "P3", "P4"]))
    assert only("pin", problem, unplaced).records == ("P1", "H2")


def test_keep_together() -> None:
    ok = tiny_problem(keep_together=[{"members": ["P1", "P3"]}])
    assert of("keep_together", ok, base()) == []
    split = tiny_problem(keep_together=[{"members": ["P1", "P2"]}])
    assert only("keep_together", split, base()).records == ("P1", "P2", "T1", "T2")


def test_keep_apart() -> None:
    ok = tiny_problem(keep_apart=[{"members": ["P1", "P2"]}, {"members": ["P3", "P4"]}])
    assert of("keep_apart", ok, base()) == []
    # one breach per team that holds two or more of the group
    problem = tiny_problem(keep_apart=[{"members": ["P1", "P2", "P3", "P4"]}])
    found = of("keep_apart", problem, base())
    assert {v.records for v in found} == {("P1", "P3", "T1"), ("P2", "P4", "T2")}


def test_mixed_countries() -> None:
    hard = tiny_problem(rules={"mixed_countries": "hard"})
    assert of("mixed_countries", hard, base()) == []
    national = allocation(team("T1", "H1", ["P1", "P2"]), team("T2", "H2", ["P3", "P4"]))
    found = of("mixed_countries", hard, national)
    assert {v.records for v in found} == {("T1", "C1"), ("T2", "C1")}
    assert of("mixed_countries", tiny_problem(), national) == []  # soft by default


def test_mixed_countries_single_country_cohort() -> None:
    one_country = tiny_problem(
        participants=[participant(f"P{i}") for i in range(1, 5)],
        rules={"mixed_countries": "hard"},
    )
    assert of("mixed_countries", one_country, base()) == []


def _with_orgs(orgs: dict[str, str], **rules: str) -> Problem:
    countries = {"P1": "Kenya", "P2": "Kenya", "P3": "Uganda", "P4": "Uganda"}
    return tiny_problem(
        participants=[
            participant(p, country=c, organisation=orgs.get(p)) for p, c in countries.items()
        ],
        rules=rules,
    )


def test_organisation_apart() -> None:
    spread = _with_orgs({"P1": "Nairobi", "P2": "Nairobi"}, organisation_strictness="hard")
    assert of("organisation", spread, base()) == []
    shared = _with_orgs({"P1": "Nairobi", "P3": "Nairobi"}, organisation_strictness="hard")
    assert only("organisation", shared, base()).records == ("P1", "P3", "T1")
    soft = _with_orgs({"P1": "Nairobi", "P3": "Nairobi"})
    assert of("organisation", soft, base()) == []


def test_organisation_together() -> None:
    rules = {"organisation": "together", "organisation_strictness": "hard"}
    same_team = _with_orgs({"P1": "Nairobi", "P3": "Nairobi"}, **rules)
    assert of("organisation", same_team, base()) == []
    split = _with_orgs({"P1": "Nairobi", "P2": "Nairobi"}, **rules)
    assert only("organisation", split, base()).records == ("C1", "P1", "P2", "T1", "T2")


def test_organisation_neutral_hard_checks_nothing() -> None:
    problem = _with_orgs(
        {"P1": "Nairobi", "P3": "Nairobi"}, organisation="neutral", organisation_strictness="hard"
    )
    assert check(problem, base()) == []


# --------------------------------------------------------------------------------------
# thematic fit and score
# --------------------------------------------------------------------------------------


def scored_problem(**rules: str) -> Problem:
    """Themes, an affinity, organisations and wishes with easy numbers."""
    return tiny_problem(
        participants=[
            participant(
                "P1", themes={"water": 1, "Schools": 3}, organisation="A", wishes=["H2", "H1"]
            ),
            participant("P2", organisation="B", wishes=["H2"]),
            participant("P3", country="Uganda", themes={"water": 0}, organisation="A"),
            participant("P4", country="Uganda", wishes=["H1"]),
        ],
        hosts=[
            host("H1", themes={"WATER": 0.8, "schools": 0.4}),
            host("H2", themes={"water": 0.2}),
        ],
        affinities=[{"participant": "P2", "host": "H2", "value": 0.9}],
        rules=rules,
    )


def test_thematic_fit() -> None:
    problem = scored_problem()
    assert thematic_fit(problem, "P1", "H1") == pytest.approx((1 * 0.8 + 3 * 0.4) / 4)  # 0.5
    assert thematic_fit(problem, "P1", "H2") == pytest.approx(0.2 / 4)
    assert thematic_fit(problem, "P2", "H2") == pytest.approx(0.9)  # affinity wins
    assert thematic_fit(problem, "P2", "H1") == 0.0  # no themes
    assert thematic_fit(problem, "P3", "H1") == 0.0  # weights sum to zero
    with pytest.raises(KeyError):
        thematic_fit(problem, "P9", "H1")


def test_score_by_hand() -> None:
    problem = scored_problem()
    terms = {t.name: t for t in score(problem, base())}
    assert list(terms) == ["thematic_fit", "country_mix", "organisation", "wishes", "host_spread"]
    # fit: P1@H1 0.5 + P3@H1 0 + P2@H2 0.9 (affinity) + P4@H2 0
    assert terms["thematic_fit"].value == pytest.approx(1.4)
    assert terms["country_mix"].value == 2  # both teams mix Kenya and Uganda
    assert terms["organisation"].value == 1  # P1 and P3 of A share T1
    assert terms["organisation"].sense == "penalty"
    assert terms["organisation"].contribution == pytest.approx(-0.5)
    assert terms["wishes"].value == pytest.approx(0.5 + 1.0)  # P1 gets wish 2, P2 wish 1
    assert terms["host_spread"].value == 2
    for t in terms.values():
        assert isinstance(t, TermValue)
        assert t.level == "soft"
    # defaults: 1 * 1.4 + 0.5 * 2 - 0.5 * 1 + 0.5 * 1.5 + 0.1 * 2
    assert objective(problem, base()) == pytest.approx(2.85)


def test_score_together_and_switched_off_terms() -> None:
    together = scored_problem(organisation="together")
    terms = {t.name: t for t in score(together, base())}
    assert terms["organisation"].value == 0  # A's two members share T1
    national = allocation(team("T1", "H1", ["P1", "P2"]), team("T2", "H1", ["P3", "P4"]))
    terms = {t.name: t for t in score(together, national)}
    assert terms["organisation"].value == 1  # A split over T1 and T2
    assert terms["country_mix"].value == 0
    assert terms["host_spread"].value == 1  # both teams at H1
    off = scored_problem(mixed_countries="off", organisation="neutral")
    assert [t.name for t in score(off, base())] == ["thematic_fit", "wishes", "host_spread"]


def test_score_uses_weights() -> None:
    problem = scored_problem().model_copy(
        update={
            "weights": scored_problem().weights.model_copy(
                update={"thematic_fit": 2.0, "host_spread": 0.0}
            )
        }
    )
    terms = {t.name: t for t in score(problem, base())}
    assert terms["thematic_fit"].contribution == pytest.approx(2.8)
    assert terms["host_spread"].contribution == 0


# --------------------------------------------------------------------------------------
# brute-force oracle
# --------------------------------------------------------------------------------------


def oracle_problem(**overrides: Any) -> Problem:
    """Teams of exactly two; P1 and P2 (Kenya) fit H1 perfectly, nothing else fits.

    Three splits, each with two host orders (one team per host):
    {P1,P2}@H1 + {P3,P4}@H2 scores fit 2 + mix 0 = 2.0; every mixed split scores at
    most fit 1 + mix 0.4 * 2 = 1.8.
    """
    data: dict[str, Any] = {
        "cohorts": [cohort(team_size=(2, 2))],
        "affinities": [
            {"participant": "P1", "host": "H1", "value": 1.0},
            {"participant": "P2", "host": "H1", "value": 1.0},
        ],
        "weights": {
            "thematic_fit": 1,
            "country_mix": 0.4,
            "organisation": 0,
            "wishes": 0,
            "host_spread": 0,
        },
    }
    data.update(overrides)
    return tiny_problem(**data)


def test_exhaustive_by_hand() -> None:
    assert exhaustive.best_objective(oracle_problem()) == pytest.approx(2.0)
    hard = oracle_problem(rules={"mixed_countries": "hard"})
    assert exhaustive.best_objective(hard) == pytest.approx(1.8)
    best = exhaustive.best_allocation(hard)
    assert best is not None
    assert check(hard, best) == []
    assert "P1" in best.teams[0].members or "P2" in best.teams[0].members


def test_exhaustive_infeasible() -> None:
    problem = oracle_problem(hosts=[host("H1", languages=["sv"]), host("H2", languages=["sv"])])
    assert exhaustive.best_objective(problem) is None


@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"mixed_countries": "hard"},
        {"organisation": "together"},
        {"organisation": "together", "organisation_strictness": "hard"},
        {"organisation_strictness": "hard"},
    ],
)
def test_exhaustive_fast_path_matches_brute_force(rules: dict[str, str]) -> None:
    problem = tiny_problem(
        cohorts=[cohort(team_size=(1, 3))],
        participants=[
            participant("P1", themes={"water": 1}, organisation="A", wishes=["H2"]),
            participant("P2", organisation="A", access_needs=["lift"]),
            participant("P3", country="Uganda", themes={"schools": 1}, organisation="B"),
            participant("P4", country="Uganda", organisation="A", blocked_hosts=["H3"]),
        ],
        hosts=[
            host("H1", themes={"water": 0.6}, capacity={"max_teams": 2, "max_participants": 3}),
            host("H2", themes={"schools": 0.9}, accessibility=["lift"]),
            host("H3", themes={"water": 0.3, "schools": 0.3}, season_max_teams=1),
        ],
        keep_apart=[{"members": ["P3", "P4"]}],
        rules=rules,
    )
    fast = exhaustive.best_objective(problem)
    assert fast is not None
    # the slow path: every candidate judged and scored by the validator under test
    by_check = [
        objective(problem, a)
        for a in (
            Allocation(status=Status.FEASIBLE, teams=t) for t in exhaustive.candidates(problem)
        )
        if not check(problem, a)
    ]
    assert fast == pytest.approx(max(by_check))


def test_exhaustive_eight_participants_four_hosts_finds_a_plan() -> None:
    countries = ["Kenya", "Uganda", "Laos", "Kenya", "Uganda", "Laos", "Kenya", "Uganda"]
    problem = tiny_problem(
        participants=[
            participant(
                f"P{i}",
                country=c,
                themes={"water": i % 3, "schools": 1},
                organisation="A" if i % 2 else None,
            )
            for i, c in enumerate(countries, 1)
        ],
        hosts=[host(f"H{j}", themes={"water": j / 4, "schools": 1 - j / 4}) for j in range(1, 5)],
    )
    best = exhaustive.best_allocation(problem)
    assert best is not None and check(problem, best) == []


def test_malformed_allocation_is_reported_not_raised() -> None:
    alloc = allocation(
        team("T1", "H1", ["P1", "P3", "PX"], cohort="C9"),
        team("T2", "H9", ["P2"], start=date(2026, 5, 6), end=date(2026, 5, 5)),
        team("T3", "H2", ["P4"], start=date(2026, 5, 4), end=date.max),
        team("T4", "H2", ["P4"], start=date.max, end=date.max),
    )
    rules = {v.rule for v in check(tiny_problem(), alloc)}
    assert rules == {
        "placement",
        "team_cohort",
        "team_size",
        "host_known",
        "team_dates",
        "host_capacity",
    }
    assert score(tiny_problem(), alloc)  # terms still computed, unknown ids skipped


def _broken_everywhere() -> tuple[Problem, Allocation]:
    """Malformed teams (unknown host, unknown cohort) first, then one breach per rule."""
    problem = tiny_problem(
        cohorts=[cohort(team_size=(2, 3))],
        participants=[
            participant("P1", organisation="X", blocked_hosts=["H2"], access_needs=["lift"]),
            participant("P2", organisation="X", languages=["fr"]),
            participant("P3", country="Uganda"),
            participant("P4"),
            participant("P5"),
        ],
        hosts=[
            host("H1", available=[{"start": date(2026, 9, 1), "end": date(2026, 9, 2)}]),
            host("H2", season_max_teams=1, capacity={"max_teams": 1, "max_participants": 2}),
        ],
        pins=[{"participant": "P5", "host": "H1"}],
        keep_together=[{"members": ["P4", "P5"]}],
        keep_apart=[{"members": ["P1", "P2"]}],
        rules={"mixed_countries": "hard", "organisation_strictness": "hard"},
    )
    broken = allocation(
        team("T0", "H9", ["P9"], cohort="C9"),
        team("T1", "H2", ["P1", "P2", "P4"]),
        team("T2", "H2", ["P3", "P5"], start=date(2026, 5, 5), end=date(2026, 5, 6)),
        team("T3", "H1", ["P3", "P4"]),
    )
    return problem, broken


def test_a_malformed_team_first_does_not_hide_later_breaches() -> None:
    problem, broken = _broken_everywhere()
    found = {v.rule for v in check(problem, broken)}
    expected = {"placement", "team_cohort", "host_known", "team_dates", "host_dates"}
    expected |= {"host_capacity", "season_cap", "language", "access", "blocked", "pin"}
    expected |= {"keep_together", "keep_apart", "mixed_countries", "organisation"}
    assert expected <= found, expected - found


def test_every_violation_message_names_its_records() -> None:
    problem, broken = _broken_everywhere()
    for v in check(problem, broken):
        assert v.message and str(v) == f"{v.rule}: {v.message}"
        missing = [r for r in v.records if r not in v.message]
        assert not missing, (v, missing)
        assert "XX" not in v.message
