"""Ranked wishes with ties: ranks, validation naming the field, value 1/rank everywhere."""

from __future__ import annotations

import exhaustive
import pytest
from conftest import host, participant, tiny_problem

from icld_match import Problem, ProblemError, solve
from icld_match.analysis.check import score
from icld_match.index.problem_index import ProblemIndex
from icld_match.records.schema import wish_ranks

WISHES = ["umea", ["lund", "malmo"], "visby"]


def test_tied_hosts_share_a_rank_and_later_ranks_count_entries() -> None:
    assert wish_ranks(WISHES) == {"umea": 1, "lund": 2, "malmo": 2, "visby": 3}


def _problem(wishes: list[object], **fields: object) -> Problem:
    hosts = [host(h) for h in ("umea", "lund", "malmo", "visby")]
    people = [participant("P1", wishes=wishes, **fields), participant("P2")]
    return tiny_problem(participants=people, hosts=hosts)


def test_the_index_the_referee_and_the_oracle_value_a_tie_alike() -> None:
    problem = _problem(WISHES)
    index = ProblemIndex.build(problem)
    row = index.wish_value[0]
    assert [row[index.host_pos[h]] for h in ("umea", "lund", "malmo", "visby")] == pytest.approx(
        [1.0, 0.5, 0.5, 1 / 3]
    )
    allocation = solve(problem, workers=1)
    wishes = {t.name: t.value for t in score(problem, allocation)}["wishes"]
    expected = exhaustive.wish_value(problem.participant("P1"), allocation.teams[0].host)
    assert wishes == pytest.approx(expected)


@pytest.mark.parametrize(
    ("wishes", "fields", "message"),
    [
        (["umea", ["lund", "nowhere"]], {}, "wishes: unknown host 'nowhere'"),
        (["lund", ["lund", "malmo"]], {}, "wishes: host 'lund' listed twice"),
        ([["umea", "lund"]], {"blocked_hosts": ["lund"]}, "'lund' is both wished for"),
    ],
)
def test_validation_names_the_record_and_field(
    wishes: list[object], fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ProblemError, match="participants\\[0\\] \\(id 'P1'\\)") as error:
        _problem(wishes, **fields)
    assert message in str(error.value)


def test_an_empty_tie_is_refused() -> None:
    with pytest.raises(ProblemError, match="wishes"):
        _problem(["umea", []])


def test_forbid_takes_a_host_out_of_a_tie() -> None:
    from icld_match import Forbid
    from icld_match.planning.changes import apply_changes

    problem = _problem(WISHES)
    changed = apply_changes(problem, [Forbid(participant="P1", host="lund")], None)
    assert changed.participant("P1").wishes == ["umea", "malmo", "visby"]
    changed = apply_changes(changed, [Forbid(participant="P1", host="malmo")], None)
    assert changed.participant("P1").wishes == ["umea", "visby"]


def test_explain_shows_a_tie_and_the_shared_rank() -> None:
    from icld_match import explain

    problem = _problem([["lund", "malmo"], "umea"])
    allocation = solve(problem, workers=1)
    e = explain(problem, allocation)
    p1 = next(p for p in e.participants if p.id == "P1")
    assert p1.wish_rank == (1 if p1.host in ("lund", "malmo") else 2)
    wishes = next(t for t in e.terms if t.name == "wishes")
    assert wishes.matches == [f"P1 got wish {p1.wish_rank} ({p1.host})"]
