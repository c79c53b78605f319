"""Bad spreadsheets and awkward text: located errors (exit 2), never a traceback, a silent
change of the user's data or a partial output folder."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from icld_match import Allocation, Problem, ProblemError, load_problem, solve
from icld_match.cli import main
from icld_match.io import tables as tables_module
from icld_match.io.roster import roster_tables
from icld_match.io.tables import SEP, Table, read_csv_tables, write_csv_tables, write_xlsx_tables
from icld_match.io.workbook import problem_to_tables, read_problem_tables, write_problem_workbook

EXAMPLE = Path(__file__).parents[2] / "examples" / "data" / "itp-local-democracy-2026.json"


@pytest.fixture(scope="module")
def problem() -> Problem:
    return load_problem(EXAMPLE)


@pytest.fixture(scope="module")
def allocation(problem: Problem) -> Allocation:
    return solve(problem, time_limit=20, seed=0, workers=1)


def _errors(error: pytest.ExceptionInfo[ProblemError]) -> list[str]:
    return [str(issue).replace(SEP, " > ") for issue in error.value.issues]


def _csv_folder(tmp_path: Path, problem: Problem) -> Path:
    folder = tmp_path / "csv"
    write_csv_tables(folder, problem_to_tables(problem))
    return folder


def _edit_line(path: Path, line: int, edit: Callable[[str], str]) -> None:
    """Apply ``edit`` to one line of a CSV file (the lines end in CR LF)."""
    lines = path.read_bytes().split(b"\r\n")
    lines[line - 1] = edit(lines[line - 1].decode()).encode()
    path.write_bytes(b"\r\n".join(lines))


# --------------------------------------------------------------------------------------
# 1. CSV: a quote never closed, a cell over the csv module's field limit
# --------------------------------------------------------------------------------------


def test_csv_cell_over_the_field_limit_names_the_line(
    tmp_path: Path, problem: Problem, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _csv_folder(tmp_path, problem)
    people = folder / "participants.csv"
    _edit_line(people, 3, lambda text: '"' + text)
    people.write_bytes(people.read_bytes() + b"x" * 140_000 + b"\r\n")
    with pytest.raises(ProblemError) as error:
        read_csv_tables(folder)
    assert _errors(error) == [
        "participants.csv > row 3 (line 3): a cell longer than 131,072 characters, most "
        'likely because a quote (") in this row is never closed; close the quote, or remove it'
    ]
    assert main(["import", str(folder), "-o", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"participants.csv{SEP}row 3 (line 3)" in err
    assert not (tmp_path / "x.json").exists()


def test_csv_quote_never_closed_is_named(tmp_path: Path, problem: Problem) -> None:
    folder = _csv_folder(tmp_path, problem)
    people = folder / "participants.csv"
    _edit_line(people, 4, lambda text: text.replace(",Kenya,", ',"Kenya,', 1))
    with pytest.raises(ProblemError) as error:
        read_csv_tables(folder)
    (message,) = _errors(error)
    assert message.startswith(
        'participants.csv > row 4 (line 4): a quote (") in this row is never closed, so lines 4 to '
    )


def test_csv_quoted_cell_over_several_lines_is_still_fine(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "notes.csv").write_text('a,b\r\n1,"two\r\nlines"\r\n3,"x""y"\r\n')
    table = read_csv_tables(folder)["notes"]
    assert [values for _, values in table.rows] == [["1", "two\nlines"], ["3", 'x"y']]


# --------------------------------------------------------------------------------------
# 2. Workbook formulas without a saved value
# --------------------------------------------------------------------------------------


def test_csv_in_another_encoding_names_the_line_of_the_first_bad_byte(
    tmp_path: Path, problem: Problem
) -> None:
    folder = _csv_folder(tmp_path, problem)
    people = folder / "participants.csv"
    lines = people.read_bytes().split(b"\r\n")
    line = next(n for n, row in enumerate(lines, 1) if b"Wanjiru" in row)
    # that one row saved by an older spreadsheet program, in Windows-1252
    lines[line - 1] = lines[line - 1].decode().replace("Wanjiru", "Wanjirü").encode("cp1252")
    people.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ProblemError) as raised:
        read_csv_tables(folder)
    (message,) = _errors(raised)
    assert message.startswith(f"participants.csv: not UTF-8 text: byte 0xfc at line {line} ")


def _set_cell(book_path: Path, sheet: str, cell: str, value: object, out: Path) -> None:
    book = openpyxl.load_workbook(book_path)
    book[sheet][cell] = value
    book.save(out)


def _with_cached_value(path: Path, formula: str, xml_value: bytes) -> None:
    """Give the formula cell openpyxl wrote (``<f>...</f><v />``) a saved value, as Excel
    or LibreOffice would."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    done = False
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            marker = f"<f>{formula}</f><v />".encode()
            if marker in data:
                data = data.replace(marker, f"<f>{formula}</f>".encode() + xml_value)
                done = True
            archive.writestr(info, data)
    assert done


def test_formula_without_a_value_is_an_error_not_the_default(
    tmp_path: Path, problem: Problem, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "problem.xlsx"
    write_problem_workbook(book, problem)
    assert openpyxl.load_workbook(book)["hosts"]["H1"].value == "max_teams"
    bad = tmp_path / "formula.xlsx"
    _set_cell(book, "hosts", "H2", "=1+1", bad)
    with pytest.raises(ProblemError) as error:
        read_problem_tables(bad)
    assert _errors(error) == [
        "formula.xlsx > hosts > row 2 > column H (max_teams): holds a formula (=1+1) without "
        "a computed value: open and save the file in Excel or LibreOffice first (or type the "
        "value)"
    ]
    assert main(["import", str(bad), "-o", str(tmp_path / "x.json")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_formula_in_settings_without_a_value_is_an_error(tmp_path: Path, problem: Problem) -> None:
    book = tmp_path / "problem.xlsx"
    write_problem_workbook(book, problem)
    bad = tmp_path / "formula.xlsx"
    _set_cell(book, "settings", "B11", "=0.5*2", bad)
    with pytest.raises(ProblemError) as error:
        read_problem_tables(bad)
    assert _errors(error) == [
        "formula.xlsx > settings > row 11 > column B (value): holds a formula (=0.5*2) "
        "without a computed value: open and save the file in Excel or LibreOffice first (or "
        "type the value)"
    ]


def test_formula_with_a_saved_value_imports_as_its_value(tmp_path: Path, problem: Problem) -> None:
    book = tmp_path / "problem.xlsx"
    write_problem_workbook(book, problem)
    good = tmp_path / "cached.xlsx"
    _set_cell(book, "hosts", "H2", "=1+1", good)
    _with_cached_value(good, "1+1", b"<v>2</v>")
    imported, _ = read_problem_tables(good)
    assert imported.hosts[0].capacity.max_teams == 2
    # a formula whose saved value is empty text is a blank cell, as it shows
    _set_cell(book, "hosts", "H2", '=""', good)
    _with_cached_value(good, '""', b"<v></v>")
    text = zipfile.ZipFile(good).read("xl/worksheets/sheet3.xml")
    text = text.replace(b'<c r="H2" s="4"><f>', b'<c r="H2" s="4" t="str"><f>')
    _rewrite(good, "xl/worksheets/sheet3.xml", text)
    imported, _ = read_problem_tables(good)
    assert imported.hosts[0].capacity.max_teams == 1  # the default, as for a blank


def _rewrite(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, old in items:
            archive.writestr(info, data if info.filename == member else old)


# --------------------------------------------------------------------------------------
# 3. Text that starts with '=' is text, in and out
# --------------------------------------------------------------------------------------

_FORMULA_NAME = '=HYPERLINK("http://evil","x")'


def _with_formula_name(problem: Problem) -> Problem:
    data = problem.model_dump(mode="json")
    data["participants"][0]["name"] = _FORMULA_NAME
    data["participants"][1]["organisation"] = "+46 city office"
    return Problem.model_validate(data)


def test_text_starting_with_equals_round_trips_through_xlsx_and_csv(
    tmp_path: Path, problem: Problem
) -> None:
    tricky = _with_formula_name(problem)
    source = tmp_path / "tricky.json"
    source.write_text(tricky.to_json())
    book = tmp_path / "p.xlsx"
    assert main(["export", str(source), "-o", str(book)]) == 0
    cell = openpyxl.load_workbook(book)["participants"]["B2"]
    assert (cell.value, cell.data_type) == (_FORMULA_NAME, "s")
    assert read_problem_tables(book)[0] == tricky
    folder = tmp_path / "p-csv"
    assert main(["export", str(source), "-o", str(folder), "--format", "csv"]) == 0
    assert read_problem_tables(folder)[0] == tricky  # the problem CSV is exact: no guard


def test_roster_holds_no_live_formula(
    tmp_path: Path, problem: Problem, allocation: Allocation
) -> None:
    tricky = _with_formula_name(problem)
    tables = roster_tables(tricky, allocation)
    write_xlsx_tables(tmp_path / "r.xlsx", tables)
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    found = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert not [c for c in found if c.data_type == "f"]
    assert any(c.value == _FORMULA_NAME and c.data_type == "s" for c in found)
    write_csv_tables(tmp_path / "r", tables)
    text = (tmp_path / "r" / "participants.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "'+46 city office" in text


# --------------------------------------------------------------------------------------
# 4. A setting given twice
# --------------------------------------------------------------------------------------


def test_setting_given_twice_names_both_rows(tmp_path: Path, problem: Problem) -> None:
    book = tmp_path / "problem.xlsx"
    write_problem_workbook(book, problem)
    loaded = openpyxl.load_workbook(book)
    settings = loaded["settings"]
    first = next(r[0].row for r in settings.iter_rows() if r[0].value == "weights.thematic_fit")
    settings.append(["weights.thematic_fit", 9.0])
    last = settings.max_row
    loaded.save(book)
    with pytest.raises(ProblemError) as error:
        read_problem_tables(book)
    assert _errors(error) == [
        f"problem.xlsx > settings > row {last} > column A (setting): setting "
        f"'weights.thematic_fit' given twice (also row {first}); keep one row"
    ]


# --------------------------------------------------------------------------------------
# 5. Cells with no header
# --------------------------------------------------------------------------------------


def test_extra_cells_in_a_csv_row_are_reported(tmp_path: Path, problem: Problem) -> None:
    folder = _csv_folder(tmp_path, problem)
    _edit_line(folder / "hosts.csv", 2, lambda text: text + ",extra,cells")
    with pytest.raises(ProblemError) as error:
        read_problem_tables(folder)
    assert _errors(error) == [
        "hosts.csv > row 2 > column V: 2 cells past the last column of the header (U): "
        "'extra', 'cells'; remove them, or put quotes around a value that holds the separator"
    ]
    # empty cells past the header (a trailing separator) are nothing to report
    folder = _csv_folder(tmp_path / "again", problem)
    _edit_line(folder / "hosts.csv", 2, lambda text: text + ",,")
    assert read_problem_tables(folder)[0] == problem


def test_value_under_a_blank_header_in_a_workbook(tmp_path: Path, problem: Problem) -> None:
    book = tmp_path / "problem.xlsx"
    write_problem_workbook(book, problem)
    loaded = openpyxl.load_workbook(book)
    loaded["cohorts"]["Q2"] = "a note"
    loaded.save(book)
    with pytest.raises(ProblemError) as error:
        read_problem_tables(book)
    assert _errors(error) == [
        "problem.xlsx > cohorts > row 2 > column Q: 1 cell past the last column of the "
        "header (N): 'a note'; clear them"
    ]
    loaded["cohorts"]["Q2"] = None
    loaded["cohorts"]["B1"] = None
    loaded.save(book)
    with pytest.raises(ProblemError) as error:
        read_problem_tables(book)
    assert (
        "problem.xlsx > cohorts > row 2 > column B: 'ITP Local Democracy and Citiz…' is in "
        "a column without a header; name the column or clear the cell"
    ) in _errors(error)


# --------------------------------------------------------------------------------------
# 6. Control characters: safe file names, clean errors, no partial output
# --------------------------------------------------------------------------------------


def _with_control_characters(problem: Problem) -> Problem:
    """Past validation (which rejects these): export must still not crash."""
    host = problem.hosts[0].model_copy(update={"name": "Um\x00e\x07å/kommun"})
    person = problem.participants[0].model_copy(update={"name": "Wan\x07jiru"})
    return problem.model_copy(
        update={
            "hosts": [host, *problem.hosts[1:]],
            "participants": [person, *problem.participants[1:]],
        }
    )


def test_control_characters_export_to_csv_with_safe_file_names(
    tmp_path: Path, problem: Problem, allocation: Allocation
) -> None:
    odd = _with_control_characters(problem)
    out = tmp_path / "rosters"
    written = write_csv_tables(out, roster_tables(odd, allocation))
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in written)
    assert any(t.host == odd.hosts[0].id for t in allocation.teams)
    assert "Umeå-kommun.csv" in names  # control characters dropped, '/' replaced
    assert not [n for n in names if re.search(r"[\x00-\x1f/]", n)]


def test_control_characters_in_a_workbook_are_a_located_error(
    tmp_path: Path, problem: Problem, allocation: Allocation
) -> None:
    odd = _with_control_characters(problem)
    with pytest.raises(ProblemError) as error:
        write_xlsx_tables(tmp_path / "p.xlsx", problem_to_tables(odd))
    assert _errors(error) == [
        "p.xlsx > participants > row 2 > column B (name): holds the control character U+0007, "
        "which a workbook cannot store; remove it from the input (the text: 'Wan\\x07jiru')",
        "p.xlsx > hosts > row 2 > column B (name): holds the control character U+0000, which "
        "a workbook cannot store; remove it from the input (the text: "
        "'Um\\x00e\\x07å/kommun')",
    ]
    with pytest.raises(ProblemError):
        write_xlsx_tables(tmp_path / "r.xlsx", roster_tables(odd, allocation))
    assert not list(tmp_path.iterdir())


def test_csv_export_that_fails_leaves_no_folder(
    tmp_path: Path, problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = problem_to_tables(problem)
    out = tmp_path / "out"
    calls = []
    real = tables_module.write_bytes_atomic

    def failing(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(tables_module, "write_bytes_atomic", failing)
    with pytest.raises(ProblemError) as error:
        write_csv_tables(out, tables)
    assert _errors(error) == [f"{out / 'study_visits.csv'}: cannot write: No space left on device"]
    assert not list(tmp_path.iterdir())  # neither the folder nor its temporary twin
    # a lone surrogate cannot be written as UTF-8: a located error, nothing written
    bad = Table("notes", ["text"])
    bad.add(["a\ud800b"])
    with pytest.raises(ProblemError) as error:
        write_csv_tables(out, [*tables, bad])
    assert _errors(error) == [
        "out > notes.csv > row 2 > column A (text): holds the lone surrogate U+D800, which a "
        "UTF-8 file cannot store; remove it from the input (the text: 'a\\ud800b')"
    ]
    assert not list(tmp_path.iterdir())


def test_csv_export_whose_rename_fails_names_the_target_and_leaves_no_folder(
    tmp_path: Path, problem: Problem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real writer's failure (a ProblemError naming the temporary file) is named by
    the file the user asked for, and nothing is left behind."""
    out = tmp_path / "out"
    real = os.replace

    def full_disk(src: str, dst: str) -> None:
        if Path(dst).name == "study_visits.csv":
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ProblemError) as error:
        write_csv_tables(out, problem_to_tables(problem))
    assert _errors(error) == [
        f"{out / 'study_visits.csv'}: cannot write the file: No space left on device"
    ]
    assert not list(tmp_path.iterdir())


def test_csv_export_into_an_existing_folder_replaces_its_files(
    tmp_path: Path, problem: Problem
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("kept")
    (out / "hosts.csv").write_text("old")
    write_csv_tables(out, problem_to_tables(problem))
    assert (out / "mine.txt").read_text() == "kept"
    assert read_problem_tables(out)[0] == problem
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    shutil.rmtree(out)
