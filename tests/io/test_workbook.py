"""Spreadsheets in: template, import, round trip problem -> workbook -> problem, located errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from generators import planted_windows, problems
from hypothesis import HealthCheck, given, settings

from icld_match import (
    Problem,
    ProblemError,
    load_problem,
)
from icld_match.cli import main
from icld_match.io import cells
from icld_match.io.problem_files import load_problem_any
from icld_match.io.tables import SEP, write_csv_tables, write_xlsx_tables
from icld_match.io.workbook import (
    problem_to_tables,
    read_problem_tables,
    template_tables,
    write_problem_workbook,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"
EXAMPLE_XLSX = EXAMPLE.with_suffix(".xlsx")


def _shown(error: ProblemError | list[str]) -> list[str]:
    """Issues as text, with '>' for SEP between location parts (easier to type here)."""
    lines = [str(i) for i in error.issues] if isinstance(error, ProblemError) else error
    return [line.replace(SEP, " > ") for line in lines]


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2026-05-13", "13/05/2026", "13.5.2026", datetime(2026, 5, 13, 0, 0), 46155, 46155.0],
)
def test_dates_in_every_form_coordinators_type(value: object) -> None:
    assert cells.parse_date(value) == date(2026, 5, 13)


def test_bad_dates_say_what_to_write() -> None:
    with pytest.raises(cells.CellError, match="2026-05-13 or 13/05/2026"):
        cells.parse_date("May 13")
    with pytest.raises(cells.CellError, match="not a real date"):
        cells.parse_date("31/02/2026")


def test_multi_value_cells() -> None:
    assert cells.parse_list("en; sw") == cells.parse_list("en, sw") == ["en", "sw"]
    assert cells.parse_list("en\nsw") == ["en", "sw"]
    assert cells.parse_weights("water: 0.8; health: 0,4; dialogue") == {
        "water": 0.8,
        "health": 0.4,
        "dialogue": 1.0,
    }
    assert cells.parse_weights("water: 0.8, health: 0.4") == {"water": 0.8, "health": 0.4}
    with pytest.raises(cells.CellError, match="weight of 'water'"):
        cells.parse_weights("water: lots")


def test_availability_ranges() -> None:
    assert cells.parse_ranges("2026-05-01..2026-05-31; 2026-06-02") == [
        (date(2026, 5, 1), date(2026, 5, 31)),
        (date(2026, 6, 2), date(2026, 6, 2)),
    ]
    assert cells.parse_ranges("01/05/2026 - 03/05/2026") == [(date(2026, 5, 1), date(2026, 5, 3))]
    assert cells.parse_ranges("none") == []
    with pytest.raises(cells.CellError, match="ends before it starts"):
        cells.parse_ranges("2026-05-31..2026-05-01")


def test_writers_read_back_unchanged() -> None:
    weights = {"a": 0.1 + 0.2, "b": 1.0, "c": 1e-7}
    assert cells.parse_weights(cells.format_weights(weights)) == weights
    ranges = [(date(2026, 5, 1), date(2026, 5, 31)), (date(2026, 6, 2), date(2026, 6, 2))]
    assert cells.parse_ranges(cells.format_ranges(ranges)) == ranges


# --------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------


def _xlsx_round_trip(problem: Problem, folder: Path) -> Problem:
    path = folder / "problem.xlsx"
    write_problem_workbook(path, problem)
    return load_problem_any(path)


def _csv_round_trip(problem: Problem, folder: Path) -> Problem:
    write_csv_tables(folder / "csv", problem_to_tables(problem))
    return load_problem_any(folder / "csv")


def test_bundled_example_round_trips_through_xlsx_and_csv(tmp_path: Path) -> None:
    problem = load_problem(EXAMPLE)
    assert _xlsx_round_trip(problem, tmp_path) == problem
    assert _csv_round_trip(problem, tmp_path) == problem


def test_bundled_workbook_is_the_bundled_json() -> None:
    assert load_problem_any(EXAMPLE_XLSX) == load_problem(EXAMPLE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(fairness=True))
def test_generated_problems_round_trip(
    tmp_path_factory: pytest.TempPathFactory, problem: Problem
) -> None:
    folder = tmp_path_factory.mktemp("rt")
    assert _xlsx_round_trip(problem, folder) == problem
    assert _csv_round_trip(problem, folder) == problem


def test_template_imports_as_a_valid_problem_with_notes(tmp_path: Path) -> None:
    assert main(["template", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / "problem.xlsx")
    header = book["participants"]["G1"]
    assert header.value == "languages" and "ISO 639-1" in header.comment.text
    assert main(["import", str(tmp_path / "problem.xlsx"), "-o", str(tmp_path / "a.json")]) == 0
    assert main(["import", str(tmp_path / "problem-csv"), "-o", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    problem = load_problem(tmp_path / "a.json")
    assert problem.participants[1].country == "Kenya"  # typed as KE
    assert problem.participants[1].languages == ["en", "sw"]  # typed as English, Kiswahili
    assert main(["template", str(tmp_path)]) == 2  # never overwrites without --force


# --------------------------------------------------------------------------------------
# Errors: every one at once, located by file, sheet, row and column
# --------------------------------------------------------------------------------------


def _broken_template(tmp_path: Path) -> Path:
    path = tmp_path / "participants.xlsx"
    write_xlsx_tables(path, template_tables())
    book = openpyxl.load_workbook(path)
    sheet = book["participants"]
    sheet["G3"] = ""  # p02 languages blank (row 3)
    sheet["H4"] = "dialogue: lots"  # p03 themes weight not a number (row 4)
    sheet["J2"] = "umeaa"  # p01 wishes a host that does not exist (row 2)
    book["cohorts"]["D2"] = "31/02/2026"
    book.save(path)
    return path


def test_errors_name_file_sheet_row_and_column_all_at_once(tmp_path: Path) -> None:
    source = _broken_template(tmp_path).read_bytes()
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(tmp_path / "participants.xlsx")
    shown = _shown(caught.value)
    assert shown[:2] == [
        "participants.xlsx > cohorts > row 2 > column D (internship_start): "
        "'31/02/2026' is not a real date (day is out of range for month)",
        "participants.xlsx > participants > row 4 > column H (themes): "
        "the weight of 'dialogue' is not a number ('lots'); write it as 'tag: 0.5'",
    ]
    assert "participants.xlsx > participants > row 3 > column G (languages): must be filled in" in (
        shown
    )
    assert (tmp_path / "participants.xlsx").read_bytes() == source  # input never modified


def test_cross_record_errors_point_at_the_cell_and_suggest(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    write_xlsx_tables(path, template_tables())
    book = openpyxl.load_workbook(path)
    book["participants"]["J2"] = "umeaa"
    book["settings"]["B2"] = "sometimes"
    book.save(path)
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(path)
    shown = _shown(caught.value)
    assert any(
        s.startswith(
            "p.xlsx > settings > row 2 > column B (value): should be 'off', 'soft' or 'hard'"
        )
        for s in shown
    ), shown
    book["settings"]["B2"] = "soft"
    book.save(path)
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(path)
    assert _shown(caught.value) == [
        "p.xlsx > participants > row 2 > column J (wishes): unknown host 'umeaa' "
        "(did you mean 'umea'?)"
    ]


def test_unknown_and_missing_columns_and_sheets(tmp_path: Path) -> None:
    tables = [t for t in template_tables() if t.name != "hosts"]
    people = next(t for t in tables if t.name == "participants")
    people.header[6] = "langauges"
    write_csv_tables(tmp_path, tables)
    with pytest.raises(ProblemError) as caught:
        read_problem_tables(tmp_path)
    shown = _shown(caught.value)
    assert (
        "participants.csv > row 1 > column G: unknown column 'langauges' "
        "(did you mean 'languages'?)" in shown
    )
    assert "hosts: no sheet (or CSV file) named 'hosts'" in shown


def test_semicolon_separated_csv_from_swedish_excel(tmp_path: Path) -> None:
    write_csv_tables(tmp_path, template_tables())
    cohorts = tmp_path / "cohorts.csv"
    lines = cohorts.read_text(encoding="utf-8-sig").splitlines()
    rows = [line.replace(",", ";") for line in lines]  # no commas inside these cells
    cohorts.write_text("\n".join(rows).replace("2026-05-13", "13/05/2026"), encoding="utf-8")
    problem, _ = read_problem_tables(tmp_path)
    assert problem.cohorts[0].internship.start == date(2026, 5, 13)


def test_unknown_language_is_kept_with_a_warning(tmp_path: Path) -> None:
    tables = template_tables()
    people = next(t for t in tables if t.name == "participants")
    people.rows[0][1][6] = "English; Klingon"
    write_csv_tables(tmp_path, tables)
    problem, warnings = read_problem_tables(tmp_path)
    assert problem.participants[0].languages == ["en", "klingon"]
    assert _shown(warnings) == [
        "participants.csv > row 2 > column G (languages): 'Klingon' is not a language name or "
        "ISO 639-1 code; kept as 'klingon', which matches only the same tag elsewhere"
    ]


# --------------------------------------------------------------------------------------
# The CLI: every problem verb takes a workbook
# --------------------------------------------------------------------------------------


def test_solve_and_validate_take_a_workbook(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    assert main(["solve", str(EXAMPLE_XLSX), "--out", str(out), "--workers", "1"]) == 0
    assert main(["validate", str(EXAMPLE_XLSX), str(out)]) == 0
    assert main(["explain", str(EXAMPLE_XLSX), str(out)]) == 0


def test_bad_workbook_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken_template(tmp_path)
    assert main(["import", str(path), "-o", str(tmp_path / "p.json")]) == 2
    err = capsys.readouterr().err.replace(SEP, " > ")
    assert "error: participants.xlsx > participants > row 4 > column H (themes)" in err
    assert not (tmp_path / "p.json").exists()
    (tmp_path / "junk.xlsx").write_text("not a workbook")
    assert main(["validate", str(tmp_path / "junk.xlsx"), str(tmp_path / "a.json")]) == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted_windows())
def test_windows_and_calendars_round_trip(
    tmp_path_factory: pytest.TempPathFactory, pair: tuple[Problem, object]
) -> None:
    """Cohort windows, internship_days, the internship_dates switch, closed weekdays and
    one-day available ranges survive a workbook and a CSV folder."""
    problem, _ = pair
    folder = tmp_path_factory.mktemp("rt")
    assert _xlsx_round_trip(problem, folder) == problem
    assert _csv_round_trip(problem, folder) == problem


def test_travel_data_round_trips_through_xlsx_and_csv(tmp_path: Path) -> None:
    """Bases, budgets, host coordinates, supplied costs, travel settings and the season
    budget: the travel example plus the fields it leaves at their defaults."""
    problem = load_problem(EXAMPLE.with_name("itp-local-democracy-2026-travel.json"))
    data = problem.model_dump()
    data["travel"] = {"cost_per_km": 2.5, "cost_per_trip": 800.0, "road_factor": 1.2}
    data["travel_costs"] = [{"cohort": "ITP-LD-2026", "host": "lulea", "cost": 4321.5}]
    data["travel_budget"] = 90_000.0
    data["hosts"][0]["location"] = None
    richer = Problem.model_validate(data)
    for folder in (tmp_path / "x", tmp_path / "c"):
        folder.mkdir()
    assert _xlsx_round_trip(richer, tmp_path / "x") == richer
    assert _csv_round_trip(richer, tmp_path / "c") == richer
