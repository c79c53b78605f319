"""Ranked wishes with ties in workbook cells: 'umea; lund | malmo; visby' both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import host, participant, tiny_problem

from icld_match.io import cells
from icld_match.io.problem_files import load_problem_any
from icld_match.io.workbook import write_problem_workbook


def test_a_tie_cell_reads_and_writes_back() -> None:
    wishes = cells.parse_wishes("umea; lund | malmo; visby")
    assert wishes == ["umea", ["lund", "malmo"], "visby"]
    assert cells.format_wishes(wishes) == "umea; lund | malmo; visby"


def test_an_empty_host_in_a_tie_is_an_error() -> None:
    with pytest.raises(cells.CellError, match="empty host around"):
        cells.parse_wishes("umea; lund |")


def test_a_problem_with_ties_round_trips_through_a_workbook(tmp_path: Path) -> None:
    hosts = [host(h) for h in ("umea", "lund", "malmo", "visby")]
    people = [
        participant("P1", wishes=["umea", ["lund", "malmo"], "visby"]),
        participant("P2", wishes=[["visby"]]),  # a tie of one is the host itself
    ]
    problem = tiny_problem(participants=people, hosts=hosts)
    assert problem.participant("P2").wishes == ["visby"]
    write_problem_workbook(tmp_path / "p.xlsx", problem)
    assert load_problem_any(tmp_path / "p.xlsx") == problem
