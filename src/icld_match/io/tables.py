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
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..records.errors import ProblemError, ProblemIssue
from .cells import Unreadable
from .json_files import current_umask, decode, write_bytes_atomic

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
#: CSV file names also avoid what Windows refuses in a file name.
_FILE_FORBIDDEN = str.maketrans({c: "-" for c in '<>"|'})
#: Characters a workbook cannot hold (XML 1.0 forbids them; openpyxl refuses them), and
#: lone surrogates, which no UTF-8 file can hold.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NOT_IN_UTF8 = re.compile(r"[\ud800-\udfff]")
#: What a spreadsheet program reads as the start of a formula in a CSV cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A formula element in a worksheet's XML (``<f>``, ``<f t="shared" ...>``, ``<x:f>``).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


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
    #: Output for people only (rosters), never read back: in CSV, text that a spreadsheet
    #: would run as a formula (``=HYPERLINK(...)``) is written with a leading ``'``.
    guard_formulas: bool = False

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


def sheet_title(name: str, taken: set[str], file_name: bool = False) -> str:
    """A valid, unique Excel sheet title for ``name`` (31 characters, no []:*?/\\, no
    control characters); with ``file_name``, also a safe file name on every system."""
    base = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cs"))
    base = base.translate(_SHEET_FORBIDDEN)
    if file_name:
        base = base.translate(_FILE_FORBIDDEN).strip().rstrip(".")
    base = base.strip("'") or "sheet"
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
    """Every sheet of a workbook, by lower-case name; formulas give their saved values.

    A formula saved without its value (a file written by a program, never opened in a
    spreadsheet) becomes an :class:`~icld_match.io.cells.Unreadable` cell, reported at
    the cell, rather than a blank that would silently take the field's default.
    """
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
        formulas = _formula_cells(path) if _has_formulas(path) else {}
    except (OSError, BadZipFile, KeyError, ValueError) as error:
        raise _unreadable(path, error) from None
    tables = {}
    for sheet in book.worksheets:
        rows: list[list[Any]] = [list(v) for v in sheet.iter_rows(min_row=1, values_only=True)]
        for (row, col), formula in formulas.get(sheet.title, {}).items():
            cached = sheet.cell(row, col)
            # a formula whose saved value is empty text has the type "str": a real blank
            if cached.value is None and cached.data_type != "str" and row <= len(rows):
                rows[row - 1][col - 1] = Unreadable(
                    formula,
                    f"holds a formula ({_short(formula)}) without a computed value: open "
                    "and save the file in Excel or LibreOffice first (or type the value)",
                )
        header = [_header_text(v) for v in rows[0]] if rows else []
        table = Table(sheet.title, header, source=f"{path.name}{SEP}{sheet.title}")
        table.rows = [(number, values) for number, values in enumerate(rows[1:], 2)]
        tables[sheet.title.strip().casefold()] = table
    book.close()
    return tables


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula: a quick look at the XML, so that a workbook
    without formulas (nearly all) is parsed once."""
    from zipfile import ZipFile

    with ZipFile(path) as archive:
        for name in archive.namelist():
            sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            if sheet and _FORMULA_TAG.search(archive.read(name)):
                return True
    return False


def _formula_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet title: (row, column) -> formula text, of every formula cell."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f" and cell.row and cell.column:
                        text = getattr(cell.value, "text", cell.value)
                        key = (cell.row, cell.column)
                        found.setdefault(sheet.title, {})[key] = str(text or "=")
    finally:
        book.close()
    return found


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def read_csv_tables(directory: Path) -> dict[str, Table]:
    """One table per ``*.csv`` file, named by the file; ``,``, ``;`` or tab separated.

    A file the csv module cannot split into rows (a quote never closed, a cell over the
    field limit) is reported with its line; every file is read before raising.
    """
    paths = sorted(directory.glob("*.csv"))
    if not paths:  # most likely a folder given by mistake: say so in one line
        raise _unreadable(
            directory, "a folder with no CSV files (cohorts.csv, participants.csv, …)"
        )
    tables, issues = {}, []
    for path in paths:
        try:
            text = decode(path.read_bytes(), path.name)  # names the line of a bad byte
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads
        except OSError as error:
            issues.append(_unreadable(path, error).issues[0])
            continue
        except ProblemError as error:
            issues += error.issues
            continue
        try:
            rows = _csv_rows(text, path.name)
        except ProblemError as error:
            issues += error.issues
            continue
        header = [_header_text(v) for v in rows[0]] if rows else []
        table = Table(path.stem, header, source=path.name)
        table.rows = [(number, list(values)) for number, values in enumerate(rows[1:], 2)]
        tables[path.stem.strip().casefold()] = table
    if issues:
        raise ProblemError(issues)
    return tables


def _csv_rows(text: str, name: str) -> list[list[str]]:
    """The rows of one CSV file; a quote never closed or an oversized cell names the line."""
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # headers hold none of these themselves
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []  # the line each row starts on
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            where = f"{name}{SEP}row {len(rows) + 1} (line {start})"
            message = str(error)
            if "field larger than field limit" in message:
                message = f"a cell longer than {csv.field_size_limit():,} characters"
                if _lines_from(text, start).count('"') % 2:
                    message += (
                        ', most likely because a quote (") in this row is never closed; '
                        "close the quote, or remove it"
                    )
            raise ProblemError.single(where, "", message) from None
        rows.append(row)
        starts.append(start)
    # a last row running on over several lines may have swallowed the rest of the file
    # inside a quote that is never closed (the csv module then says nothing)
    if starts and reader.line_num > starts[-1] and _ends_in_quote(text, starts[-1], delimiter):
        raise ProblemError.single(
            f"{name}{SEP}row {len(rows)} (line {starts[-1]})",
            "",
            f'a quote (") in this row is never closed, so lines {starts[-1]} to '
            f"{reader.line_num} were read as one cell; close the quote, or remove it",
        )
    return rows


def _lines_from(text: str, line: int) -> str:
    """The text from the start of ``line`` (1-based, as the csv module counts lines)."""
    return "".join(io.StringIO(text, newline="").readlines()[line - 1 :])


def _ends_in_quote(text: str, line: int, delimiter: str) -> bool:
    """Whether the row starting at ``line`` ends inside a quoted cell at the end of the text."""
    tail = csv.reader(
        io.StringIO(_lines_from(text, line), newline=""), delimiter=delimiter, strict=True
    )
    try:
        for _ in tail:
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _header_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def write_xlsx_tables(path: str | Path, tables: Sequence[Table]) -> None:
    """A workbook with one sheet per table: bold frozen header, comments, fitted widths.

    Text is always written as text, never as a formula (a name ``=HYPERLINK(...)`` stays
    that name). Text a workbook cannot hold (control characters) is a ProblemError naming
    each cell, raised before anything is written.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils.exceptions import IllegalCharacterError

    name = Path(path).name
    titles = _titles(tables, file_names=False)
    issues = [
        ProblemIssue(
            f"{name}{SEP}{where}", "", _unstorable_message(text, _NOT_IN_XLSX, "a workbook")
        )
        for table, title in zip(tables, titles, strict=True)
        for where, text in _bad_text(table, title, _NOT_IN_XLSX)
    ]
    if issues:
        raise ProblemError(issues)
    book = Workbook()
    for default in list(book.worksheets):
        book.remove(default)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    try:
        for table, title in zip(tables, titles, strict=True):
            sheet = book.create_sheet(title)
            sheet.append(table.header)
            for col, cell in enumerate(sheet[1]):
                cell.font, cell.fill = bold, fill
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                if col < len(table.notes) and table.notes[col]:
                    cell.comment = Comment(table.notes[col], "icld-match", width=320, height=160)
            for _, values in table.rows:
                sheet.append([_cell_value(v) for v in values])
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, date):
                        cell.number_format = "yyyy-mm-dd"
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text, even when it starts with '='
                    wrap = isinstance(cell.value, str)
                    cell.alignment = Alignment(vertical="top", wrap_text=wrap)
            for col, header in enumerate(table.header):
                width = table.widths[col] if col < len(table.widths) else _width(table, col, header)
                sheet.column_dimensions[column_letter(col)].width = width
            sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        book.save(buffer)
    except (ValueError, TypeError, IllegalCharacterError) as error:  # checked above; a net
        raise ProblemError.single(name, "", f"cannot write the workbook: {error}") from None
    write_bytes_atomic(path, buffer.getvalue())


def write_csv_tables(directory: str | Path, tables: Sequence[Table]) -> list[Path]:
    """One UTF-8 CSV per table (with a BOM, so Excel shows å, ä, ö right); returns the paths.

    File names are the table names made safe (no control characters, no ``/``). Every
    file is made in memory, then written into a temporary folder beside ``directory``
    that is renamed at the end: a failure leaves no partial folder behind. Into a folder
    that already exists the files are moved one by one, each replaced atomically.
    """
    folder = Path(directory)
    titles = _titles(tables, file_names=True)
    issues = [
        ProblemIssue(
            f"{folder.name}{SEP}{title}.csv{SEP}{where}",
            "",
            _unstorable_message(text, _NOT_IN_UTF8, "a UTF-8 file"),
        )
        for table, title in zip(tables, titles, strict=True)
        for where, text in _bad_text(table, title, _NOT_IN_UTF8, located=False)
    ]
    if issues:
        raise ProblemError(issues)
    files = [
        (f"{title}.csv", _csv_bytes(table)) for table, title in zip(tables, titles, strict=True)
    ]
    if folder.exists() and not folder.is_dir():
        raise ProblemError.single(str(folder), "", "is a file; give a folder name for CSV files")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent)
        )
    except OSError as error:
        raise _unwritable(folder, error) from None
    try:
        os.chmod(staging, 0o777 & ~current_umask())
        for file, data in files:
            try:
                write_bytes_atomic(staging / file, data)
            except ProblemError as error:  # it names the temporary file: name the target
                raise ProblemError.single(str(folder / file), "", error.issues[0].message) from None
            except OSError as error:
                raise _unwritable(folder / file, error) from None
        if folder.is_dir():
            for file, _ in files:
                os.replace(staging / file, folder / file)
            staging.rmdir()
        else:
            os.rename(staging, folder)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _unwritable(folder, error) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / file for file, _ in files]


def _titles(tables: Sequence[Table], file_names: bool) -> list[str]:
    taken: set[str] = set()
    return [sheet_title(table.name, taken, file_name=file_names) for table in tables]


def _unwritable(target: Path, error: OSError) -> ProblemError:
    reason = error.strerror or str(error)
    return ProblemError.single(str(target), "", f"cannot write: {reason}")


def _csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for _, values in table.rows:
        cells = ["" if v is None else _csv_text(v) for v in values]
        if table.guard_formulas:
            cells = [f"'{c}" if c.startswith(_FORMULA_START) else c for c in cells]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def _bad_text(
    table: Table, title: str, pattern: re.Pattern[str], located: bool = True
) -> Iterator[tuple[str, str]]:
    """(where, text) for each cell whose text ``pattern`` finds; ``where`` is the sheet
    (with ``located``), row and column as the written file numbers them."""
    sheet = f"{title}{SEP}" if located else ""
    rows = [table.header] + [values for _, values in table.rows]
    for number, values in enumerate(rows, 1):
        for col, value in enumerate(values):
            if isinstance(value, str) and pattern.search(value):
                name = table.header[col] if col < len(table.header) else ""
                yield f"{sheet}row {number}{SEP}column {column_letter(col)} ({name})", value


def _unstorable_message(text: str, pattern: re.Pattern[str], kind: str) -> str:
    bad = pattern.search(text)
    code = f"U+{ord(bad[0]):04X}" if bad else "a character"
    what = "lone surrogate" if bad and 0xD800 <= ord(bad[0]) <= 0xDFFF else "control character"
    return (
        f"holds the {what} {code}, which {kind} cannot store; remove it from the input "
        f"(the text: {_short(repr(text), 60)})"
    )


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
