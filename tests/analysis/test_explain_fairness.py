"""Explain names the worst-off participant(s) and every shortfall below the fit floor."""

from __future__ import annotations

from engine.test_rules import floor_problem

from icld_match import explain, solve


def test_explain_names_the_worst_fit_and_the_floor_shortfalls() -> None:
    """Soft floor 0.3 at weight 3: the plan goes to H1, where P2's fit is 0.2."""
    problem = floor_problem(0.3, "soft", fit_floor=3.0, worst_fit=0.1)
    allocation = solve(problem, workers=1)
    assert allocation.teams[0].host == "H1"
    e = explain(problem, allocation)
    terms = {t.name: t for t in e.terms}
    assert terms["fit_floor"].matches == ["P2 Person P2 at H1: fit 0.20, 0.10 below the floor 0.3"]
    assert terms["worst_fit"].matches == ["worst fit 0.20: P2 Person P2 at H1"]
    assert e.fairness == [*terms["worst_fit"].matches, *terms["fit_floor"].matches]
    text = e.to_text()
    assert "Fairness" in text and "0.10 below the floor 0.3" in text


def test_explain_says_which_hosts_a_hard_floor_closes() -> None:
    problem = floor_problem(0.3)
    allocation = solve(problem, workers=1)
    e = explain(problem, allocation)
    p2 = next(p for p in e.participants if p.id == "P2")
    assert p2.host == "H2"
    assert e.fairness == ["worst fit 0.30: P1 Person P1 at H2"]  # P1 sits on the floor
    rule = next(r for r in e.rules if r.name == "fit_floor")
    assert rule.applies and rule.holds
