"""Partnerships and rotation in the referee, the explanation and the diagnosis: a planted
breach of each hard rule is caught and named, each term's report names the records
behind it (which partner, which past season)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import allocation, cohort, host, participant, team

from icld_match import Problem, explain, score
from icld_match.analysis.check import check
from icld_match.records.errors import ProblemError


def problem(rules: dict[str, str] | None = None, **fields: Any) -> Problem:
    """P1 (Kisumu, Kisumu County Government, Kenya), P2 (Serbia); H1 a partner of
    Kisumu, H2 of Serbia; Kisumu County Government visited H2 in 2024 and 2025, and H2
    received 3 teams in 2025."""
    return Problem.model_validate(
        {
            "cohorts": [cohort(team_size=(1, 2))],
            "participants": [
                participant(
                    "P1", home_municipality="Kisumu", organisation="Kisumu County Government"
                ),
                participant("P2", country="Serbia"),
            ],
            "hosts": [host("H1", partners=["kisumu"]), host("H2", partners=["RS"])],
            "history": [
                {"season": "2024", "host": "H2", "organisations": ["Kisumu County Government"]},
                {
                    "season": "2025",
                    "host": "H2",
                    "teams": 3,
                    "organisations": ["kisumu county government"],
                },
                {"season": "2025", "host": "H1", "teams": 1},
            ],
            "rules": {"mixed_countries": "off", **(rules or {})},
            **fields,
        }
    )


AT_H2 = allocation(team("T01", "H2", ["P1", "P2"]))


def test_check_catches_a_planted_partnership_breach() -> None:
    p = problem({"partnership": "hard", "revisit": "off"})
    (breach,) = check(p, AT_H2)
    assert breach.rule == "partnership"
    assert breach.records == ("P1", "H2", "T01")
    assert "not to a partner host of their municipality or country (H1)" in breach.message
    assert check(p, allocation(team("T01", "H1", ["P1"]), team("T02", "H2", ["P2"]))) == []


def test_check_catches_a_planted_revisit_breach() -> None:
    p = problem({"partnership": "off", "revisit": "hard"})
    (breach,) = check(p, AT_H2)
    assert breach.rule == "revisit"
    assert "which their organisation visited in 2024, 2025" in breach.message


def test_soft_rules_are_no_breach_but_scored() -> None:
    p = problem(weights={"season_spread": 1.0})
    assert check(p, AT_H2) == []
    values = {t.name: t.value for t in score(p, AT_H2)}
    assert values["partnership"] == 1.0  # P2 (Serbia, given as RS) at H2
    assert values["revisit"] == 1.0  # P1's organisation visited H2
    assert values["host_relief"] == 3.0  # one team x 3 teams in 2025
    assert values["season_spread"] == 1.0


def test_explain_names_partner_past_season_and_busy_host() -> None:
    p = problem(weights={"season_spread": 1.0}, hosts_in_use=["H1"])
    plan = allocation(team("T01", "H1", ["P1"]), team("T02", "H2", ["P2"]))
    terms = {t.name: t for t in explain(p, plan).terms}
    assert terms["partnership"].matches == [
        "P1 Person P1 at H1 (T01): Host H1 is a partner of home municipality kisumu",
        "P2 Person P2 at H2 (T02): Host H2 is a partner of country Serbia",
    ]
    assert terms["revisit"].matches == []
    assert terms["host_relief"].matches == [
        "T01 at H1: Host H1 received 1 team(s) in season 2025 (+1)",
        "T02 at H2: Host H2 received 3 team(s) in season 2025 (+3)",
    ]
    assert terms["season_spread"].matches == [
        "the season uses 1 hosts: H2",
        "not counted, already in use elsewhere: H1",
    ]
    revisit = {t.name: t for t in explain(p, AT_H2).terms}["revisit"]
    assert revisit.matches == [
        "P1 Person P1 at H2 (T01): Kisumu County Government visited Host H2 in season 2024, 2025"
    ]


def test_explain_says_which_hard_rule_closes_a_host() -> None:
    p = problem({"partnership": "hard", "revisit": "hard"})
    e = explain(p, AT_H2)
    (p1,) = [r for r in e.participants if r.id == "P1"]
    assert p1.excluded_by == {"partnership": ["H2"], "revisit": ["H2"]}
    assert "closed to them by partnership and revisit" in p1.why
    rules = {r.name: r for r in e.rules}
    assert rules["partnership"].applies and not rules["partnership"].holds
    assert rules["revisit"].applies and not rules["revisit"].holds


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"history": [{"season": "2025", "host": "H9"}]}, "history[0]"),
        ({"hosts_in_use": ["H9"]}, "hosts_in_use"),
    ],
)
def test_unknown_hosts_in_season_fields_are_named(fields: dict[str, Any], where: str) -> None:
    with pytest.raises(ProblemError) as caught:
        problem(**fields)
    assert where in str(caught.value) and "unknown host 'H9'" in str(caught.value)


def test_team_report_names_what_it_pays_for() -> None:
    p = problem()
    (report,) = explain(p, allocation(team("T01", "H2", ["P1", "P2"]))).teams
    assert "partnership: P1 is not at a partner host (H1)" in report.pays_for
    assert "revisit: Kisumu County Government (P1) visited Host H2 in 2024, 2025" in (
        report.pays_for
    )
    assert "host_relief: Host H2 received 3 team(s) in season 2025 (+3)" in report.pays_for
