"""The index: ids <-> positions, organisation codes, and teams built from positions."""

from __future__ import annotations

import pytest
from conftest import far_or_near, participant, tiny_problem

from icld_match.analysis.check import thematic_fit
from icld_match.index.problem_index import ProblemIndex


def test_participants_without_organisation_get_no_code() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", organisation="X"),
            participant("P2"),
            participant("P3", organisation="Y"),
            participant("P4"),
        ]
    )
    assert list(ProblemIndex.build(problem).organisation_of) == [0, -1, 1, -1]


def test_kept_apart_lists_each_members_group_mates_in_every_group() -> None:
    groups = [{"members": ["P1", "P2", "P3"]}, {"members": ["P3", "P4"]}]
    index = ProblemIndex.build(tiny_problem(keep_apart=groups))
    assert index.kept_apart == [
        frozenset({1, 2}),
        frozenset({0, 2}),
        frozenset({0, 1, 3}),
        frozenset({2}),
    ]
    assert ProblemIndex.build(tiny_problem()).kept_apart == [frozenset()] * 4


def test_teams_are_numbered_from_T01_with_the_mean_fit_rounded() -> None:
    problem = tiny_problem(
        participants=[
            participant("P1", themes={"a": 1.0}),
            participant("P2", themes={"a": 1.0, "b": 2.0}),
            participant("P3"),
            participant("P4"),
        ],
        hosts=[
            {"id": "H1", "name": "H1", "municipality": "H1", "languages": ["en"],
             "themes": {"a": 0.7}},
            {"id": "H2", "name": "H2", "municipality": "H2", "languages": ["en"]},
        ],
    )  # fmt: skip
    index = ProblemIndex.build(problem)
    teams = index.teams([(0, 0, [1, 0]), (0, 1, [2, 3])])
    assert [t.id for t in teams] == ["T01", "T02"]
    assert teams[0].members == ["P1", "P2"] and teams[0].host == "H1"
    expected = (thematic_fit(problem, "P1", "H1") + thematic_fit(problem, "P2", "H1")) / 2
    assert teams[0].fit == round(expected, 6) != expected  # 0.4666..., six digits kept
    assert teams[1].fit == 0.0


@pytest.mark.parametrize(("pid", "hid", "message"), [("PX", "H1", "PX"), ("P1", "HX", "HX")])
def test_thematic_fit_names_an_unknown_id(pid: str, hid: str, message: str) -> None:
    with pytest.raises(KeyError, match=message):
        thematic_fit(tiny_problem(), pid, hid)


def test_a_shortlist_ranks_hosts_with_a_teams_trip_shared_by_its_members() -> None:
    """H1 fits a little better but lies in Malmö; H2 is in Stockholm, the cohort's base.
    A team of two to four (three on average) at H1 costs each member a third of its trip,
    more than the fit it adds: one host each, that is H2 (by fit alone it was H1)."""
    index = ProblemIndex.build(far_or_near())
    trip = -index.team_value[0]  # per team, weighted
    assert trip[0] > 3 * (index.fit[0, 0] - index.fit[0, 1]) > 0
    assert index.team_share[:, 0] == pytest.approx(-trip[0] / 3)
    shortlist = index.shortlisted(1).pair_masks["shortlist"]
    assert shortlist[:, 1].all() and not shortlist[:, 0].any()
