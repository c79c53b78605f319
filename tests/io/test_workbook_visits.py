"""Study visits, group visits and hosts in use in the problem's spreadsheet form.

A ``study_visits`` sheet (cohort, id, themes, days), ``group_*`` columns on the hosts
sheet and a ``hosts_in_use`` row on the settings sheet: the season example and drawn
problems with visits round-trip through XLSX and CSV, and bad cells are named by sheet,
row and column, all at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import cohort, examples, host, participant
from generators import planted_visits
from hypothesis import given, settings
from hypothesis import strategies as st

from icld_match import Problem, ProblemError, load_problem
from icld_match.cli import main
from icld_match.io import cells
from icld_match.io.json_files import load_allocation
from icld_match.io.problem_files import load_problem_any
from icld_match.io.tables import SEP, Table, write_csv_tables, write_xlsx_tables
from icld_match.io.workbook import (
    problem_to_tables,
    read_problem_tables,
    template_tables,
    write_problem_workbook,
)

SEASON = Path(__file__).parents[2] / "examples" / "data" / "season-2026.json"
EXAMPLE = SEASON.with_name("itp-local-democracy-2026.json")
#: The bundled workbook as exported before the season fields (no calendars, windows,
#: travel, history, visits or hosts in use): kept to show older workbooks still read.
BEFORE_SEASON = Path(__file__).parent / "data" / "itp-local-democracy-2026-before-season.xlsx"


def _round_trips(problem: Problem, folder: Path) -> tuple[Problem, Problem]:
    """The problem read back from a workbook and from a CSV folder."""
    write_problem_workbook(folder / "problem.xlsx", problem)
    write_csv_tables(folder / "csv", problem_to_tables(problem))
    return load_problem_any(folder / "problem.xlsx"), load_problem_any(folder / "csv")


def _visiting_problem() -> Problem:
    """Cohort C1 with two visits (one on given days), host G1 offering groups, G2 not."""
    visits = [
        {"id": "V1", "themes": {"water": 1.0, "health": 0.25}},
        {"id": "V2", "themes": {"dialogue": 0.5}, "days": [date(2026, 5, 5), date(2026, 5, 4)]},
    ]
    offer = {
        "capacity": 30,
        "themes": {"water": 0.8},
        "days": [{"start": date(2026, 5, 1), "end": date(2026, 5, 31)}],
        "max_per_day": 2,
        "with_teams": True,
    }
    return Problem.model_validate(
        {
            "cohorts": [cohort(study_visits=visits), cohort("C2")],
            "participants": [participant(p) for p in ("P1", "P2")]
            + [participant(p, cohort="C2") for p in ("P3", "P4")],
            "hosts": [host("G1", group_visits=offer), host("G2"), host("G3")],
            "hosts_in_use": ["G3", "G2"],
        }
    )


def _shown(error: ProblemError) -> list[str]:
    return [str(i).replace(SEP, " > ") for i in error.issues]


def _set(tables: list[Table], sheet: str, row: int, column: str, value: Any) -> None:
    """Overwrite one cell: ``row`` counts data rows from 0 (spreadsheet row ``row + 2``)."""
    table = next(t for t in tables if t.name == sheet)
    table.rows[row][1][table.header.index(column)] = value


def _errors(tables: list[Table], folder: Path) -> list[str]:
    write_csv_tables(folder, tables)
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(folder)
    return _shown(caught.value)


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


def test_day_lists_read_single_days_and_ranges_in_order() -> None:
    may = [date(2026, 5, d) for d in (15, 13, 14)]
    assert cells.parse_days("2026-05-15; 13/05/2026..2026-05-14") == may
    assert cells.parse_days(cells.format_days(may)) == may
    assert cells.parse_days(date(2026, 5, 13)) == [date(2026, 5, 13)]
    with pytest.raises(cells.CellError, match="at most 366"):
        cells.parse_days("2026-01-01..2027-12-31")


@pytest.mark.parametrize("value", [True, 1, 1.0, "yes", "Ja", " TRUE ", "x"])
def test_yes_cells(value: object) -> None:
    assert cells.parse_bool(value) is True


@pytest.mark.parametrize("value", [False, 0, "no", "Nej", "false"])
def test_no_cells(value: object) -> None:
    assert cells.parse_bool(value) is False


def test_a_cell_neither_yes_nor_no_says_what_to_write() -> None:
    with pytest.raises(cells.CellError, match="expected yes or no, got 'maybe'"):
        cells.parse_bool("maybe")
    assert [cells.parse_bool(cells.format_bool(b)) for b in (True, False)] == [True, False]


# --------------------------------------------------------------------------------------
# Sheets and round trips
# --------------------------------------------------------------------------------------


def test_visits_have_a_sheet_and_group_offers_host_columns() -> None:
    sheets = {t.name: t for t in problem_to_tables(_visiting_problem())}
    visits = sheets["study_visits"]
    assert visits.header == ["cohort", "id", "themes", "days"]
    assert [row for _, row in visits.rows] == [
        ["C1", "V1", "water: 1; health: 0.25", None],
        ["C1", "V2", "dialogue: 0.5", "2026-05-05; 2026-05-04"],
    ]
    hosts = sheets["hosts"]
    group = [hosts.header.index(f"group_{n}") for n in ("capacity", "themes", "days")]
    group += [hosts.header.index(f"group_{n}") for n in ("max_per_day", "with_teams")]
    assert [hosts.rows[0][1][i] for i in group] == [
        30,
        "water: 0.8",
        "2026-05-01..2026-05-31",
        2,
        "yes",
    ]
    assert all(hosts.rows[1][1][i] is None for i in group)  # G2 receives no groups
    settings_rows = {row[0]: row[1] for _, row in sheets["settings"].rows}
    assert settings_rows["hosts_in_use"] == "G3; G2"
    assert "Group visits: People the host can receive at once" in hosts.notes[group[0]]
    assert visits.notes[0].startswith("Id of the cohort that makes the visit")


def test_the_season_example_round_trips_through_xlsx_and_csv(tmp_path: Path) -> None:
    problem = load_problem(SEASON)
    assert any(c.study_visits for c in problem.cohorts)
    assert any(h.group_visits for h in problem.hosts)
    from_xlsx, from_csv = _round_trips(problem, tmp_path)
    assert from_xlsx == problem
    assert from_csv == problem


def test_hosts_in_use_and_a_host_never_receiving_groups_round_trip(tmp_path: Path) -> None:
    data = _visiting_problem().model_dump()
    data["hosts"][1]["group_visits"] = {"capacity": 0, "days": [], "with_teams": False}
    problem = Problem.model_validate(data)
    from_xlsx, from_csv = _round_trips(problem, tmp_path)
    assert from_xlsx == from_csv == problem
    assert from_xlsx.hosts_in_use == ["G3", "G2"]  # the order as written
    assert from_xlsx.hosts[1].group_visits is not None
    assert from_xlsx.hosts[1].group_visits.days == []


def test_numbers_needing_seventeen_digits_round_trip(tmp_path: Path) -> None:
    """openpyxl writes 16 significant digits: a drawn budget of 128648.26000000001 came
    back as 128648.26 (found by the property below)."""
    data = _visiting_problem().model_dump()
    data["cohorts"][0]["travel_budget"] = 128648.26000000001
    data["weights"]["country_mix"] = 0.1 + 0.2
    data["travel_budget"] = 2 * 128648.26000000001
    problem = Problem.model_validate(data)
    from_xlsx, from_csv = _round_trips(problem, tmp_path)
    assert from_xlsx == from_csv == problem


@settings(max_examples=examples(20))
@given(planted_visits(), st.data())
def test_drawn_problems_with_visits_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    drawn: tuple[Problem, object, object],
    data: st.DataObject,
) -> None:
    """Visits on given days or the cohort's window, group offers (decoys, day ranges,
    with_teams), history, partners, travel, and hosts in use in a drawn order."""
    problem = drawn[0]
    ids = [h.id for h in problem.hosts]
    in_use = data.draw(st.lists(st.sampled_from(ids), unique=True), label="hosts_in_use")
    problem = problem.model_copy(update={"hosts_in_use": list(in_use)})
    problem = Problem.model_validate(problem.model_dump())
    from_xlsx, from_csv = _round_trips(problem, tmp_path_factory.mktemp("rt"))
    assert from_xlsx == problem
    assert from_csv == problem


def test_a_workbook_with_visits_solves_and_validates(tmp_path: Path) -> None:
    """The visits read from the sheets reach the planner and the referee."""
    path = tmp_path / "problem.xlsx"
    write_problem_workbook(path, _visiting_problem())
    out = tmp_path / "plan.json"
    assert main(["solve", str(path), "--out", str(out), "--workers", "1"]) == 0
    plan = load_allocation(out)
    assert sorted((v.visit, v.host) for v in plan.visits) == [("V1", "G1"), ("V2", "G1")]
    assert main(["validate", str(path), str(out)]) == 0


def test_template_shows_a_visit_and_a_group_offer(tmp_path: Path) -> None:
    assert main(["template", str(tmp_path)]) == 0
    problem = load_problem_any(tmp_path / "problem.xlsx")
    assert [v.id for v in problem.cohorts[0].study_visits] == ["council"]
    offer = problem.hosts[0].group_visits
    assert offer is not None and offer.capacity == 30 and offer.with_teams
    readme = next(t for t in template_tables() if t.name == "README")
    assert any(row[:2] == ["study_visits", "days"] for _, row in readme.rows)


def test_the_bundled_workbook_is_regenerated_and_the_older_one_still_reads() -> None:
    assert load_problem_any(EXAMPLE.with_suffix(".xlsx")) == load_problem(EXAMPLE)
    assert load_problem_any(BEFORE_SEASON) == load_problem(EXAMPLE)
    book = openpyxl.load_workbook(EXAMPLE.with_suffix(".xlsx"), read_only=True)
    assert "study_visits" in book.sheetnames
    book.close()


def test_workbooks_without_the_new_sheet_and_columns_still_read(tmp_path: Path) -> None:
    tables = [t for t in problem_to_tables(_visiting_problem()) if t.name != "study_visits"]
    hosts = next(t for t in tables if t.name == "hosts")
    keep = [i for i, name in enumerate(hosts.header) if not name.startswith("group_")]
    hosts.header = [hosts.header[i] for i in keep]
    hosts.rows = [(n, [row[i] for i in keep]) for n, row in hosts.rows]
    settings_table = next(t for t in tables if t.name == "settings")
    settings_table.rows = [r for r in settings_table.rows if r[1][0] != "hosts_in_use"]
    write_csv_tables(tmp_path, tables)
    problem, warnings = read_problem_tables(tmp_path)
    assert warnings == []
    assert problem.cohorts[0].study_visits == []
    assert all(h.group_visits is None for h in problem.hosts)
    assert problem.hosts_in_use == []


# --------------------------------------------------------------------------------------
# Bad cells: named by sheet, row and column, all at once
# --------------------------------------------------------------------------------------


def test_bad_visit_cells_are_all_named(tmp_path: Path) -> None:
    tables = problem_to_tables(_visiting_problem())
    _set(tables, "study_visits", 0, "themes", "water: lots")
    _set(tables, "study_visits", 1, "days", "2026-05-32")
    visits = next(t for t in tables if t.name == "study_visits")
    visits.add(["C1x", "V9", "", ""])  # row 4: no such cohort
    visits.add(["", "V8", "", ""])  # row 5: no cohort at all
    visits.add(["C2", "V7", "", "none"])  # row 6: no day
    assert _errors(tables, tmp_path) == [
        "study_visits.csv > row 2 > column C (themes): the weight of 'water' is not a number "
        "('lots'); write it as 'tag: 0.5'",
        "study_visits.csv > row 3 > column D (days): '2026-05-32' is not a real date "
        "(day is out of range for month)",
        "study_visits.csv > row 4 > column A (cohort): unknown cohort 'C1x' (did you mean 'C1'?)",
        "study_visits.csv > row 5 > column A (cohort): must be filled in",
        "study_visits.csv > row 6 > column D (days): must hold at least one value",
    ]


def test_cross_record_visit_errors_point_at_the_cell(tmp_path: Path) -> None:
    """Checked once the cells read: a visit id twice in a cohort, a day given twice."""
    tables = problem_to_tables(_visiting_problem())
    _set(tables, "study_visits", 1, "days", "2026-05-04; 2026-05-04")
    visits = next(t for t in tables if t.name == "study_visits")
    visits.add(["C2", "V7", "", ""])
    visits.add(["C2", "V7", "water: 2", ""])  # row 5: the same id again in C2
    visits.add(["C1", "V7", "", ""])  # row 6: the same id in another cohort is fine
    assert _errors(tables, tmp_path) == [
        "study_visits.csv > row 3 > column D (days): day 2026-05-04 listed twice",
        "study_visits.csv > row 4 > column B (id): duplicate visit id 'V7'",
        "study_visits.csv > row 5 > column B (id): duplicate visit id 'V7'",
    ]


def test_bad_group_cells_are_all_named(tmp_path: Path) -> None:
    tables = problem_to_tables(_visiting_problem())
    _set(tables, "hosts", 0, "group_with_teams", "maybe")
    _set(tables, "hosts", 0, "group_max_per_day", "1.5")
    _set(tables, "hosts", 1, "group_themes", "water: 2")  # row 3: G2 now offers, no capacity
    _set(tables, "hosts", 2, "group_days", "2026-06-01..2026-05-01")
    shown = _errors(tables, tmp_path)
    hosts = next(t for t in tables if t.name == "hosts")

    def at(row: int, column: str) -> str:
        letter = chr(ord("A") + hosts.header.index(column))
        return f"hosts.csv > row {row} > column {letter} ({column}): "

    assert shown[:3] == [
        at(2, "group_max_per_day") + "expected a whole number, got '1.5'",
        at(2, "group_with_teams") + "expected yes or no, got 'maybe'",
        at(4, "group_days") + "the range '2026-06-01..2026-05-01' ends before it starts",
    ]
    assert sorted(shown[3:]) == [
        at(3, "group_capacity") + "must be filled in",
        at(3, "group_themes")
        + "theme strengths must lie in [0, 1] (out of range: water) (got {'water': 2.0})",
    ]


def test_unknown_host_in_use_points_at_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_problem_workbook(path, _visiting_problem())
    book = openpyxl.load_workbook(path)
    sheet = book["settings"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet[f"A{r}"].value == "hosts_in_use")
    sheet[f"B{row}"] = "G3; G1x"
    book.save(path)
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(path)
    assert _shown(caught.value) == [
        f"p.xlsx > settings > row {row} > column B (value): unknown host 'G1x' (did you mean 'G1'?)"
    ]


def test_a_visits_sheet_without_its_cohort_column_says_so(tmp_path: Path) -> None:
    tables = problem_to_tables(_visiting_problem())
    visits = next(t for t in tables if t.name == "study_visits")
    visits.header = visits.header[1:]
    visits.rows = [(n, row[1:]) for n, row in visits.rows]
    assert _errors(tables, tmp_path) == [
        "study_visits.csv: no column 'cohort' (the cohort of each row)"
    ]


def test_errors_name_the_workbook_sheet_too(tmp_path: Path) -> None:
    tables = problem_to_tables(_visiting_problem())
    _set(tables, "study_visits", 1, "days", "soon")
    write_xlsx_tables(tmp_path / "season.xlsx", tables)
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(tmp_path / "season.xlsx")
    assert _shown(caught.value) == [
        "season.xlsx > study_visits > row 3 > column D (days): expected a date such as "
        "2026-05-13 or 13/05/2026, got 'soon'"
    ]
