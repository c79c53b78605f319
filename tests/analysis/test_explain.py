"""The score breakdown: every rule, term, team and participant explained, checked by hand.

Problems are tiny so that each fit, share, rank and excluded host can be worked out on
paper; the bundled example checks that nothing is left out at full size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import allocation, cohort, host, participant, team, tiny_problem
from pydantic import BaseModel

from icld_match import Allocation, Explanation, Problem, explain, solve
from icld_match.analysis.check import RULES, TERMS
from icld_match.analysis.explain import (
    ParticipantReport,
    RuleReport,
    TeamReport,
    TermReport,
    ThemeMatch,
)
from icld_match.cli import main
from icld_match.io.json_files import load_problem

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


def person(e: Explanation, pid: str) -> ParticipantReport:
    return next(p for p in e.participants if p.id == pid)


def team_at(e: Explanation, host_id: str) -> TeamReport:
    return next(t for t in e.teams if t.host == host_id)


def term(e: Explanation, name: str) -> TermReport:
    return next(t for t in e.terms if t.name == name)


def rule(e: Explanation, name: str) -> RuleReport:
    return next(r for r in e.rules if r.name == name)


def forced_apart() -> Problem:
    """Keep-together P1 (water) with P2 (schools): one of them cannot get their best host.

    H1 shows water, H2 schools, H3 schools but only in French (closed to everyone). Teams
    are pairs, so the teams are {P1, P2} and {P3, P4}. P3 wishes for H2, which sends
    {P3, P4} there and {P1, P2} to H1: P2 gets fit 0 at H1, ranked 2 of 2 open hosts
    behind H2 (fit 1), and so does P4 at H2; H3 (fit 1 for P2) is closed by language and
    does not count.
    """
    return tiny_problem(
        cohorts=[cohort(team_size=(2, 2))],
        participants=[
            participant("P1", country="Kenya", themes={"water": 1.0}),
            participant("P2", country="Uganda", themes={"schools": 1.0}),
            participant("P3", country="Kenya", themes={"schools": 1.0}, wishes=["H2"]),
            participant("P4", country="Uganda", themes={"water": 1.0}),
        ],
        hosts=[
            host("H1", themes={"water": 1.0}),
            host("H2", themes={"schools": 1.0}),
            host("H3", languages=["fr"], themes={"schools": 1.0}),
        ],
        keep_together=[{"members": ["P1", "P2"]}],
    )


# --------------------------------------------------------------------------------------
# Terms and objective
# --------------------------------------------------------------------------------------


def test_term_contributions_sum_to_the_solver_objective() -> None:
    problem = forced_apart()
    solved = solve(problem, workers=1)
    e = explain(problem, solved)
    assert solved.objective is not None
    assert sum(t.contribution for t in e.terms) == pytest.approx(solved.objective, abs=1e-9)
    assert e.objective == pytest.approx(solved.objective, abs=1e-9)
    assert e.solver_objective == solved.objective
    # By hand: fit 1 + 0 + 1 + 0, two mixed teams, P3's first wish, two hosts.
    assert e.objective == pytest.approx(2.0 + 2 * 0.5 + 0.5 * 1.0 + 0.1 * 2)
    assert [t.name for t in e.terms] == [n for n in TERMS if n in {t.name for t in e.terms}]


def test_term_matches_name_the_concrete_matches() -> None:
    problem = forced_apart()
    e = explain(problem, solve(problem, workers=1))
    h1, h2 = team_at(e, "H1").id, team_at(e, "H2").id
    assert term(e, "thematic_fit").matches == [
        "P1 Person P1 at H1: fit 1.00",
        "P3 Person P3 at H2: fit 1.00",
        "P2 Person P2 at H1: fit 0.00",
        "P4 Person P4 at H2: fit 0.00",
    ]
    assert sorted(term(e, "country_mix").matches) == sorted(
        [f"{h1}: Kenya, Uganda (+1)", f"{h2}: Kenya, Uganda (+1)"]
    )
    assert term(e, "wishes").matches == ["P3 got wish 1 (H2)"]
    assert term(e, "host_spread").matches == ["C1 visits 2 hosts: H1, H2"]
    assert term(e, "organisation").matches == []


def test_organisation_breaches_are_listed_per_team_and_charged_to_it() -> None:
    org = {"organisation": "Kisumu County Government"}
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya", **org),
            participant("P2", country="Kenya", **org),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
        ]
    )
    e = explain(problem, allocation(team("T1", "H1", ["P1", "P2"]), team("T2", "H2", ["P3", "P4"])))
    assert term(e, "organisation").matches == ["T1: P1, P2 both from Kisumu County Government"]
    assert term(e, "organisation").contribution == pytest.approx(-0.5)
    t1 = next(t for t in e.teams if t.id == "T1")
    assert t1.pays_for == [
        "organisation: P1 and P2 are colleagues (Kisumu County Government)",
        "country_mix: single country (Kenya)",
    ]
    assert "falls short on 2 soft rules" in t1.why


# --------------------------------------------------------------------------------------
# Teams
# --------------------------------------------------------------------------------------


def test_team_theme_matches_by_hand() -> None:
    """P1 cares only for water; P3 for water 1, schools 1, health 2 (shares 1/4, 1/4, 1/2).

    At H1 (water 1.0, schools 0.5): water 1.0 x (1 + 1/4) = 1.25, schools 0.5 x 1/4 =
    0.125, health 0 x 1/2 = 0. Summed fit 1 + 0.375 = 1.375, mean 0.6875.
    """
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya", themes={"water": 1.0}),
            participant("P2", country="Kenya"),
            participant(
                "P3", country="Uganda", themes={"Water": 1.0, "schools": 1.0, "health": 2.0}
            ),
            participant("P4", country="Uganda"),
        ],
        hosts=[host("H1", themes={"water": 1.0, "schools": 0.5}), host("H2")],
    )
    e = explain(problem, allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H2", ["P2", "P4"])))
    t1 = e.teams[0]
    assert t1.themes == [
        ThemeMatch(theme="water", strength=1.0, share=1.25, contribution=1.25),
        ThemeMatch(theme="schools", strength=0.5, share=0.25, contribution=0.125),
        ThemeMatch(theme="health", strength=0.0, share=0.5, contribution=0.0),
    ]
    assert t1.fit_sum == pytest.approx(1.375)
    assert t1.fit == pytest.approx(0.6875)
    assert sum(m.contribution for m in t1.themes) == pytest.approx(t1.fit_sum)
    assert t1.countries == ["Kenya", "Uganda"]
    assert t1.shared_languages == ["en"]
    assert t1.host_name == "Host H1"
    assert t1.why.startswith("Host H1 covers water and schools for its 2 members (mean fit 0.69)")


def test_shared_languages_and_affinity_members() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya", languages=["en", "sw"]),
            participant("P2", country="Kenya", languages=["sw"], themes={"water": 1.0}),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
        ],
        hosts=[host("H1", languages=["EN", "sw"], themes={"water": 1.0}), host("H2")],
        affinities=[{"participant": "P2", "host": "H1", "value": 0.3}],
    )
    e = explain(problem, allocation(team("T1", "H1", ["P1", "P2"]), team("T2", "H2", ["P3", "P4"])))
    t1 = e.teams[0]
    assert t1.shared_languages == ["sw"]
    assert t1.member_languages == {"P1": ["en", "sw"], "P2": ["sw"]}  # "EN" is read as "en"
    assert t1.affinity_members == ["P2"]
    assert t1.themes == []  # P1 has no themes, P2's fit is the affinity
    assert t1.fit_sum == pytest.approx(0.3)


# --------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------


def test_host_rank_is_one_for_the_best_open_host_and_two_when_keep_together_binds() -> None:
    problem = forced_apart()
    e = explain(problem, solve(problem, workers=1))
    p1, p2, p3 = person(e, "P1"), person(e, "P2"), person(e, "P3")
    assert (p1.host, p1.host_rank, p1.open_hosts, p1.best_open_host) == ("H1", 1, 2, None)
    assert p1.why.startswith("Host H1 is the best fit (1.00) of their 2 open hosts")
    assert (p2.host, p2.fit, p2.host_rank, p2.open_hosts) == ("H1", 0.0, 2, 2)
    assert (p2.best_open_host, p2.best_open_host_name, p2.best_open_fit) == ("H2", "Host H2", 1.0)
    assert p2.excluded_by == {"language": ["H3"]}
    assert p2.why == (
        "Ranked 2 of 2 open hosts by fit (0.00); the best-fit open host is Host H2 (1.00); "
        "must travel with P1 (keep_together)."
    )
    assert (p3.host, p3.host_rank, p3.wish_rank) == ("H2", 1, 1)
    assert "it is their wish 1" in p3.why


def test_without_keep_together_everyone_gets_their_best_open_host() -> None:
    problem = Problem.model_validate({**forced_apart().model_dump(), "keep_together": []})
    e = explain(problem, solve(problem, workers=1))
    assert [(p.id, p.host_rank, p.best_open_host) for p in e.participants] == [
        ("P1", 1, None),
        ("P2", 1, None),
        ("P3", 1, None),
        ("P4", 1, None),
    ]
    assert person(e, "P2").host == "H2"


def test_pinned_participant_has_one_open_host() -> None:
    problem = tiny_problem(pins=[{"participant": "P1", "host": "H2"}])
    e = explain(problem, solve(problem, workers=1))
    p1 = person(e, "P1")
    assert (p1.host, p1.host_rank, p1.open_hosts) == ("H2", 1, 1)
    assert p1.excluded_by == {"pin": ["H1"]}
    assert p1.why.startswith("Pinned to Host H2, the only host open to them")


def test_unplaced_participant_is_explained_by_the_excluding_pair_rules() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya"),
            participant("P2", country="Kenya"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda", languages=["fr"], blocked_hosts=["H2"]),
        ],
        hosts=[host("H1"), host("H2", languages=["en", "fr"])],
    )
    e = explain(problem, allocation(team("T1", "H1", ["P1", "P2", "P3"])))
    p4 = person(e, "P4")
    assert (p4.team, p4.host, p4.fit, p4.host_rank, p4.open_hosts) == (None, None, None, None, 0)
    assert p4.excluded_by == {"language": ["H1"], "blocked": ["H2"]}
    assert p4.why == (
        "Not placed in any team; no host is open to them; language closes H1; blocked closes H2."
    )
    assert rule(e, "placement").violations == ["participant P4 is in no team"]
    assert "P4 Person P4 (Uganda): unplaced" in e.to_text()


def test_unplaced_participant_with_open_hosts_names_the_best() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya"),
            participant("P2", country="Kenya"),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda", themes={"x": 1.0}),
        ],
        hosts=[host("H1", themes={"x": 0.4}), host("H2", themes={"x": 0.9})],
    )
    e = explain(problem, allocation(team("T1", "H1", ["P1", "P2", "P3"])))
    assert person(e, "P4").why == (
        "Not placed in any team; 2 hosts are open to them (best fit Host H2, 0.90); "
        "no pair rule closes any host to them."
    )


# --------------------------------------------------------------------------------------
# Hard rules
# --------------------------------------------------------------------------------------


def test_every_hard_rule_is_reported_and_holds_for_a_solved_allocation() -> None:
    problem = forced_apart()
    e = explain(problem, solve(problem, workers=1))
    assert [r.name for r in e.rules] == list(RULES)
    assert all(r.holds and r.violations == [] and r.level == "hard" for r in e.rules)
    assert e.valid
    assert not rule(e, "mixed_countries").applies  # soft by default
    assert not rule(e, "organisation").applies
    assert rule(e, "keep_together").applies


def test_tampered_allocation_shows_broken_rules() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", country="Kenya"),
            participant("P2", country="Kenya", languages=["fr"]),
            participant("P3", country="Uganda"),
            participant("P4", country="Uganda"),
        ],
        hosts=[host("H1"), host("H2", languages=["en", "fr"])],
        keep_apart=[{"members": ["P1", "P3"]}],
    )
    tampered = allocation(team("T1", "H1", ["P1", "P2", "P3"]), team("T2", "H2", ["P4"]))
    e = explain(problem, tampered)
    assert not e.valid
    broken = {r.name for r in e.rules if not r.holds}
    assert broken == {"keep_apart", "language", "team_size"}
    assert rule(e, "keep_apart").violations == [
        "P1, P3 must be in different teams but share team T1"
    ]
    p2 = person(e, "P2")
    assert p2.host_rank is None and p2.open_hosts == 1
    assert p2.why.startswith("Host H1 (fit 0.00) is closed to them by language")
    text = e.to_text()
    assert "keep_apart       BROKEN (1)" in text
    assert "INVALID: 3 hard-rule breaches" in text


# --------------------------------------------------------------------------------------
# The bundled example, JSON and the model's documentation
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[Problem, Allocation, Explanation]:
    problem = load_problem(EXAMPLE)
    solved = solve(problem, workers=1, time_limit=30)
    return problem, solved, explain(problem, solved)


def test_example_text_mentions_every_team_and_participant(
    example: tuple[Problem, Allocation, Explanation],
) -> None:
    problem, solved, e = example
    text = e.to_text()
    for section in ("Hard rules", "Objective by term", "Teams", "Participants"):
        assert f"\n{section}\n" in text
    teams_part = text.split("\nTeams\n")[1].split("\nParticipants\n")[0]
    people_part = text.split("\nParticipants\n")[1]
    for t in solved.teams:
        assert f"  {t.id}  " in teams_part
    for p in problem.participants:
        assert f"{p.id} {p.name} ({p.country})" in people_part
    assert "… and 20 more" in text  # 25 fit lines, 5 shown
    assert e.valid and len(e.teams) == len(solved.teams)
    assert e.objective == pytest.approx(solved.objective, abs=1e-9)
    # p02 and p03 are Kisumu colleagues who must travel together: the one breach.
    assert len(term(e, "organisation").matches) == 1
    assert "p02, p03 both from Kisumu County Government" in term(e, "organisation").matches[0]
    assert person(e, "p13").open_hosts == 1  # pinned to Malmö


def test_explanation_round_trips_through_json(
    example: tuple[Problem, Allocation, Explanation],
) -> None:
    _, _, e = example
    assert Explanation.model_validate_json(e.model_dump_json()) == e


def test_every_report_field_is_described() -> None:
    models: list[type[BaseModel]] = [
        Explanation,
        RuleReport,
        TermReport,
        TeamReport,
        ThemeMatch,
        ParticipantReport,
    ]
    for model in models:
        assert model.model_config.get("frozen") is True
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------


def write(path: Path, data: Any) -> str:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_cli_explain_prints_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = forced_apart()
    problem_file = write(tmp_path / "problem.json", problem.to_json())
    alloc_file = write(tmp_path / "alloc.json", solve(problem, workers=1).to_json())
    assert main(["explain", problem_file, alloc_file]) == 0
    out = capsys.readouterr().out
    assert "Ranked 2 of 2 open hosts" in out and "\nParticipants\n" in out
    assert main(["explain", problem_file, alloc_file, "--json"]) == 0
    parsed = Explanation.model_validate_json(capsys.readouterr().out)
    assert person(parsed, "P2").host_rank == 2


def test_cli_explain_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problem_file = write(tmp_path / "problem.json", forced_apart().to_json())
    bad = write(tmp_path / "bad.json", "{not json")
    assert main(["explain", problem_file, str(tmp_path / "missing.json")]) == 2
    assert "cannot read file" in capsys.readouterr().err
    assert main(["explain", bad, bad]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert main(["explain", problem_file, write(tmp_path / "a.json", {"status": "nope"})]) == 2


def test_unknown_ids_and_double_placement_are_explained_not_raised() -> None:
    problem = tiny_problem()
    broken = allocation(
        team("T1", "H9", ["P1", "P2"]),
        team("T2", "H1", ["P2", "P3", "X9"]),
        team("T3", "H2", ["P4"], cohort="C9"),
    )
    e = explain(problem, broken)
    assert not e.valid
    assert e.teams[0].host_name is None and e.teams[0].themes == []
    assert person(e, "P1").why == "Their team T1 goes to unknown host H9."
    assert "they are also listed in T2" in person(e, "P2").why
    assert "X9 (unknown)" in e.to_text()


def test_travel_term_lists_each_team_and_cohort_cost() -> None:
    """T1 (C1 at H1): supplied 1500 SEK; T2 (C1 at H2): Stockholm to Umeå by distance."""
    problem = tiny_problem(
        cohorts=[cohort(base={"name": "Stockholm", "lat": 59.33, "lon": 18.07}, travel_budget=9e3)],
        hosts=[host("H1"), host("H2", location={"lat": 63.83, "lon": 20.26})],
        travel_costs=[{"cohort": "C1", "host": "H1", "cost": 1500.0}],
    )
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H2", ["P2", "P4"]))
    e = explain(problem, alloc)
    umea = round(2 * 513.5477 * 1.3 * 3.0 + 1000.0, 2)
    travel = term(e, "travel")
    assert travel.value == pytest.approx((1500.0 + umea) / 1000, abs=1e-5)
    assert travel.matches[0] == f"C1: {1500.0 + umea:,.2f} SEK of a budget of 9,000.00 SEK"
    assert travel.matches[1].startswith(
        f"T2 (C1) to Host H2: {umea:,.2f} SEK (from Stockholm, 514 km"
    )
    assert travel.matches[2] == "T1 (C1) to Host H1: 1,500.00 SEK (supplied cost)"
    assert e.travel_by_cohort == {"C1": pytest.approx(1500.0 + umea)}
    assert team_at(e, "H1").travel_cost == 1500.0
    assert "Travel by cohort" in e.to_text()
    assert "travel by cohort (SEK)" in alloc.summary(problem)


def test_no_travel_section_without_travel_data() -> None:
    alloc = allocation(team("T1", "H1", ["P1", "P3"]), team("T2", "H2", ["P2", "P4"]))
    e = explain(tiny_problem(), alloc)
    assert e.travel_by_cohort == {}
    assert "travel" not in {t.name for t in e.terms}
    assert "Travel" not in e.to_text()
    assert "travel" not in alloc.summary(tiny_problem())
