"""Sheets as plain tables, read from and written to XLSX workbooks or directories of CSV files.

Everything above this module (the problem importer, rosters) deals in :class:`Table`; only
here do openpyxl and the csv module appear. openpyxl is imported inside the functions that
need it, so ``icld-match solve problem.json`` never pays for it. Writing goes through a
temporary file and a rename, so a reader never sees half a workbook, and input files are
only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..records.errors import ProblemError, ProblemIssue
from .json_files import write_bytes_atomic

__all__ = [
    "SEP",
    "Table",
    "column_letter",
    "read_csv_tables",
    "read_xlsx_tables",
    "write_bytes_atomic",
    "write_csv_tables",
    "write_xlsx_tables",
]

#: Between the parts of a cell's location: problem.xlsx, sheet, row 7, column D.
SEP = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "
#: Sheet names may not hold these characters (Excel's rule) and have at most 31 characters.
_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})


@dataclass
class Table:
    """One sheet: a header row, data rows with their spreadsheet row numbers, and notes.

    ``source`` names the file the rows came from (for error messages); ``notes`` holds
    one explanation per header cell, written as cell comments in XLSX.
    """

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    source: str = ""
    notes: list[str] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)

    def add(self, values: Sequence[Any]) -> None:
        self.rows.append((len(self.rows) + 2, list(values)))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the letters a coordinator sees above the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet title for ``name`` (31 characters, no []:*?/\\)."""
    base = name.translate(_SHEET_FORBIDDEN).strip("'") or "sheet"
    title, n = base[:31], 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def _unreadable(path: Path, error: object) -> ProblemError:
    return ProblemError([ProblemIssue(str(path), "", f"cannot read file: {error}")])


def read_xlsx_tables(path: Path) -> dict[str, Table]:
    """Every sheet of a workbook, by lower-case name; formulas give their saved values."""
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (OSError, BadZipFile, KeyError, ValueError) as error:
        raise _unreadable(path, error) from None
    tables = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(min_row=1, values_only=True))
        header = [_header_text(v) for v in rows[0]] if rows else []
        table = Table(sheet.title, header, source=f"{path.name}{SEP}{sheet.title}")
        table.rows = [(number, list(values)) for number, values in enumerate(rows[1:], 2)]
        tables[sheet.title.strip().casefold()] = table
    book.close()
    return tables


def read_csv_tables(directory: Path) -> dict[str, Table]:
    """One table per ``*.csv`` file, named by the file; ``,``, ``;`` or tab separated."""
    paths = sorted(directory.glob("*.csv"))
    if not paths:  # most likely a folder given by mistake: say so in one line
        raise _unreadable(
            directory, "a folder with no CSV files (cohorts.csv, participants.csv, …)"
        )
    tables = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise _unreadable(path, error) from None
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count)  # headers hold none of these themselves
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        header = [_header_text(v) for v in rows[0]] if rows else []
        table = Table(path.stem, header, source=path.name)
        table.rows = [(number, list(values)) for number, values in enumerate(rows[1:], 2)]
        tables[path.stem.strip().casefold()] = table
    return tables


def _header_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def write_xlsx_tables(path: str | Path, tables: Sequence[Table]) -> None:
    """A workbook with one sheet per table: bold frozen header, comments, fitted widths."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    for default in list(book.worksheets):
        book.remove(default)
    taken: set[str] = set()
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    for table in tables:
        sheet = book.create_sheet(sheet_title(table.name, taken))
        sheet.append(table.header)
        for col, cell in enumerate(sheet[1]):
            cell.font, cell.fill = bold, fill
            if col < len(table.notes) and table.notes[col]:
                cell.comment = Comment(table.notes[col], "icld-match", width=320, height=160)
        for _, values in table.rows:
            sheet.append([_cell_value(v) for v in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
        for col, name in enumerate(table.header):
            width = table.widths[col] if col < len(table.widths) else _width(table, col, name)
            sheet.column_dimensions[column_letter(col)].width = width
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def write_csv_tables(directory: str | Path, tables: Sequence[Table]) -> list[Path]:
    """One UTF-8 CSV per table (with a BOM, so Excel shows å, ä, ö right); returns the paths."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written, taken = [], set[str]()
    for table in tables:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(table.header)
        for _, values in table.rows:
            writer.writerow(["" if v is None else _csv_text(v) for v in values])
        target = folder / f"{sheet_title(table.name, taken)}.csv"
        write_bytes_atomic(target, buffer.getvalue().encode("utf-8-sig"))
        written.append(target)
    return written


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and math.isfinite(value) and float(f"{value:.16g}") != value:
        # openpyxl writes 16 significant digits: a number that needs 17 (0.1 + 0.2, a
        # computed budget) would come back changed, so it is written as its exact text
        return repr(value)
    return value


def _csv_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _width(table: Table, col: int, name: str) -> float:
    longest = max(
        [len(name)] + [len(_csv_text(v[col])) for _, v in table.rows if col < len(v) and v[col]]
    )
    return float(min(max(longest + 2, 8), 60))
