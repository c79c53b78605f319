"""Infeasibility diagnosis: the core names the right records and rules, and is minimal."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import cohort, host, participant

from icld_match import Problem, Status, check, solve
from icld_match.analysis.diagnose import Diagnosis, diagnose
from icld_match.io.json_files import load_problem

#: Generous, so that the deletion pass finishes under load (``minimal`` would be False
#: if it ran out of time); no test asserts on elapsed time.
BUDGET = 120


def problem(**fields: Any) -> Problem:
    data: dict[str, Any] = {
        "cohorts": [cohort("ITP-Gender-2026", start=date(2026, 5, 14), end=date(2026, 5, 15))],
        "participants": [participant(f"en{i}", cohort="ITP-Gender-2026") for i in range(4)],
        "hosts": [
            host("stockholm"),
            host("umea", languages=["en", "fr"]),
            host("lund", languages=["fr", "en"]),
        ],
        "rules": {"mixed_countries": "off", "organisation": "neutral"},
    }
    data.update(fields)
    return Problem.model_validate(data)


def french_speakers(n: int) -> list[dict[str, Any]]:
    return [
        participant(f"fr{i}", cohort="ITP-Gender-2026", languages=["fr"], country="Burkina Faso")
        for i in range(n)
    ]


def core_rules(d: Diagnosis) -> list[tuple[str, frozenset[str]]]:
    return sorted((item.rule, frozenset(item.records)) for item in d.core)


def test_feasible_problem_is_confirmed() -> None:
    d = diagnose(problem(), time_limit=BUDGET)
    assert d.feasible is True and d.core == [] and d.reasons() == []


def test_french_speakers_exceed_french_hosts_capacity() -> None:
    """The issue's example: 6 speak only French; Umeå and Lund take 4 people in total."""
    p = problem(
        participants=french_speakers(6)
        + [participant(f"en{i}", cohort="ITP-Gender-2026") for i in range(4)],
        hosts=[
            host("stockholm", capacity={"max_teams": 2, "max_participants": 8}),
            host("umea", languages=["en", "fr"], capacity={"max_teams": 1, "max_participants": 2}),
            host("lund", languages=["fr"], capacity={"max_teams": 1, "max_participants": 2}),
        ],
    )
    d = diagnose(p, time_limit=BUDGET)
    assert d.feasible is False and d.core == []
    assert d.prechecks[:1] == [
        "6 participants of cohort ITP-Gender-2026 (fr0, fr1, fr2, fr3, fr4, fr5; languages fr) "
        "can go only to Host umea, Host lund, which can take at most 4 of them on "
        "2026-05-14..2026-05-15."
    ]


def test_keep_together_larger_than_every_host() -> None:
    p = problem(
        keep_together=[{"members": ["en0", "en1", "en2"]}],
        hosts=[
            host("umea", capacity={"max_teams": 2, "max_participants": 2}),
            host("lund", capacity={"max_teams": 2, "max_participants": 2}),
        ],
    )
    d = diagnose(p, time_limit=BUDGET)
    assert d.feasible is False
    assert ("keep_together", frozenset({"en0", "en1", "en2"})) in core_rules(d)
    assert {item.rule for item in d.core} >= {"keep_together", "host_capacity"}


def test_contradictory_pins_and_keep_together() -> None:
    p = problem(
        pins=[{"participant": "en0", "host": "umea"}, {"participant": "en1", "host": "lund"}],
        keep_together=[{"members": ["en0", "en1"]}],
    )
    allocation = solve(p, workers=1)
    assert allocation.status is Status.INFEASIBLE
    text = "\n".join(allocation.reasons)
    assert "keep_together[0]" in text
    d = diagnose(p, time_limit=BUDGET)
    assert core_rules(d) == [] or d.prechecks  # caught before any search
    assert "no host can take all of its members together" in text


def test_pins_against_keep_apart_and_capacity() -> None:
    p = problem(
        pins=[{"participant": "en0", "host": "umea"}, {"participant": "en1", "host": "umea"}],
        keep_apart=[{"members": ["en0", "en1"]}],
    )
    d = diagnose(p, time_limit=BUDGET)
    assert d.feasible is False and d.minimal
    rules = core_rules(d)
    assert ("keep_apart", frozenset({"en0", "en1"})) in rules
    assert ("pin", frozenset({"en0", "umea"})) in rules
    assert ("pin", frozenset({"en1", "umea"})) in rules
    assert ("host_capacity", frozenset({"umea", "ITP-Gender-2026"})) in rules


def test_season_cap_across_cohorts() -> None:
    p = problem(
        cohorts=[
            cohort("A", start=date(2026, 5, 4), end=date(2026, 5, 5)),
            cohort("B", start=date(2026, 9, 7), end=date(2026, 9, 8)),
        ],
        participants=[
            participant("a1", cohort="A", languages=["sw"]),
            participant("a2", cohort="A", languages=["sw"]),
            participant("b1", cohort="B", languages=["sw"]),
            participant("b2", cohort="B", languages=["sw"]),
        ],
        hosts=[host("botkyrka", languages=["sw", "en"], season_max_teams=1), host("lund")],
    )
    d = diagnose(p, time_limit=BUDGET)
    assert d.feasible is False and d.minimal
    assert ("season_cap", frozenset({"botkyrka"})) in core_rules(d)
    cohorts_named = {item.records[0][0] for item in d.core if item.rule == "placement"}
    assert cohorts_named == {"a", "b"}


def test_overlapping_cohorts_share_host_capacity() -> None:
    p = problem(
        cohorts=[
            cohort("A", start=date(2026, 5, 4), end=date(2026, 5, 5)),
            cohort("B", start=date(2026, 5, 5), end=date(2026, 5, 6)),
        ],
        participants=[
            participant("a1", cohort="A"),
            participant("a2", cohort="A"),
            participant("b1", cohort="B"),
            participant("b2", cohort="B"),
        ],
        hosts=[host("umea", capacity={"max_teams": 1, "max_participants": 4})],
    )
    d = diagnose(p, time_limit=BUDGET)
    assert d.feasible is False
    capacity = [item for item in d.core if item.rule == "host_capacity"]
    assert capacity and set(capacity[0].records) == {"umea", "A", "B"}


def test_hard_mixed_countries_with_one_foreign_participant() -> None:
    p = problem(
        participants=[
            participant(f"k{i}", cohort="ITP-Gender-2026", country="Kenya") for i in range(3)
        ]
        + [participant("s1", cohort="ITP-Gender-2026", country="Serbia")],
        cohorts=[cohort("ITP-Gender-2026", team_size=(2, 2))],
        rules={"mixed_countries": "hard", "organisation": "neutral"},
    )
    d = diagnose(p, time_limit=BUDGET)
    assert d.feasible is False and d.minimal
    rules = {item.rule for item in d.core}
    assert {"mixed_countries", "team_size"} <= rules
    assert all(
        item.records == ["ITP-Gender-2026"]
        for item in d.core
        if item.rule in ("mixed_countries", "team_size")
    )


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        (
            {
                "participants": [
                    participant("x", cohort="ITP-Gender-2026", access_needs=["lift"]),
                    participant("y", cohort="ITP-Gender-2026"),
                ]
            },
            "Participant Person x (x, languages en, needs lift) can go to no host",
        ),
        (
            {"participants": [participant("x", cohort="ITP-Gender-2026")]},
            "Cohort ITP-Gender-2026 has 1 participant, fewer than its minimum team size 2",
        ),
    ],
)
def test_prechecks_come_first(fields: dict[str, Any], fragment: str) -> None:
    d = diagnose(problem(**fields), time_limit=BUDGET)
    assert d.feasible is False and d.core == []
    assert any(fragment in line for line in d.prechecks)


def test_relaxed_mode_places_everyone_it_can() -> None:
    p = problem(
        participants=[
            *french_speakers(6),
            participant("en0", cohort="ITP-Gender-2026"),
            participant("en1", cohort="ITP-Gender-2026"),
        ],
        hosts=[
            host("stockholm"),
            host("umea", languages=["en", "fr"], capacity={"max_teams": 1, "max_participants": 4}),
        ],
    )
    strict = solve(p, workers=1)
    assert strict.status is Status.INFEASIBLE
    relaxed = solve(p, workers=1, allow_unplaced=True)
    assert relaxed.status is Status.OPTIMAL
    unplaced = {u.participant for u in relaxed.unplaced}
    assert len(unplaced) == 2 and all(pid.startswith("fr") for pid in unplaced)
    breaches = check(p, relaxed)
    assert {v.rule for v in breaches} == {"placement"}
    assert {r for v in breaches for r in v.records} == unplaced
    assert all(u.open_hosts == ["umea"] for u in relaxed.unplaced)
    assert any("needs places for 8 participants" in r and "at most 6" in r for r in relaxed.reasons)


def test_relaxed_mode_with_a_participant_no_host_can_take() -> None:
    p = problem(
        participants=[participant(f"en{i}", cohort="ITP-Gender-2026") for i in range(3)]
        + [participant("sw", cohort="ITP-Gender-2026", languages=["sw"])]
    )
    relaxed = solve(p, workers=1, allow_unplaced=True)
    assert [u.participant for u in relaxed.unplaced] == ["sw"]
    assert "share no working language" in relaxed.unplaced[0].why
    assert check(p, relaxed)[0].records == ("sw",)


def test_bundled_two_cohort_conflict_is_diagnosed_exactly() -> None:
    path = Path(__file__).parents[2] / "examples" / "data" / "may-2026-two-cohorts.json"
    d = diagnose(load_problem(path), time_limit=BUDGET)
    assert d.feasible is False and d.minimal and d.prechecks == []
    assert core_rules(d) == sorted(
        [("placement", frozenset({pid})) for pid in ("p18", "g01", "g02", "g03")]
        + [
            ("host_capacity", frozenset({host, "ITP-LD-2026", "ITP-GE-2026"}))
            for host in ("norrkoping", "gavle", "sundsvall")
        ]
        + [("keep_apart", frozenset({"g01", "g02", "g03"}))]
    )
    relaxed = solve(load_problem(path), workers=1, allow_unplaced=True)
    assert relaxed.status is Status.OPTIMAL and len(relaxed.unplaced) == 1
    assert relaxed.unplaced[0].participant in {"p18", "g01", "g02", "g03"}
