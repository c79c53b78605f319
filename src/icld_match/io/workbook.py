"""Problems as spreadsheets: one sheet per record type, in XLSX or as a directory of CSV files.

Coordinators keep participant lists and host offers in spreadsheets, so this is the
coordinators' way in and the exact inverse of the JSON format: :func:`problem_to_tables`
writes every field of a problem, :func:`tables_to_problem` reads it back to an equal
problem. Every column is documented from the pydantic ``Field(description=...)`` of the
field it fills, so the spreadsheet and the JSON Schema cannot drift apart. Errors name the
file, sheet, row (as the spreadsheet numbers it, header = row 1) and column, all at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..records.errors import ProblemError, ProblemIssue
from ..records.normalise import canonical_country, did_you_mean, normalise_languages
from ..records.schema import (
    Affinity,
    Base,
    Capacity,
    Cohort,
    DateRange,
    GroupVisits,
    Host,
    KeepApart,
    KeepTogether,
    Location,
    Participant,
    PastVisit,
    Pin,
    Problem,
    Rules,
    StudyVisit,
    TeamSize,
    TravelCost,
    TravelSettings,
    Weights,
)
from . import cells
from .tables import SEP, Table, column_letter

__all__ = [
    "SHEETS",
    "problem_to_tables",
    "read_problem_tables",
    "tables_to_problem",
    "template_tables",
    "write_problem_workbook",
]

_FORMATS = {
    "list": "Several values separated by ';' (or ','), e.g. 'en; sw'.",
    "wishes": "Host ids, most wanted first, separated by ';'; hosts that share a rank "
    "separated by '|', e.g. 'umea; lund | malmo; visby'.",
    "weights": "Tags with a weight, separated by ';', e.g. 'water: 0.8; health: 0.4' "
    "(a tag without a number weighs 1).",
    "date": "A date: 2026-05-13, 13/05/2026 or a date cell.",
    "ranges": "Date ranges separated by ';', e.g. '2026-05-01..2026-05-31; 2026-06-02'. "
    "Blank: any date. 'none': never.",
    "day_ranges": "Date ranges separated by ';', e.g. '2026-06-06; 2026-06-19..2026-06-21'. "
    "Blank: none.",
    "weekdays": "Weekdays separated by ';': mon, tue, wed, thu, fri, sat, sun (or full names), "
    "e.g. 'sat; sun'.",
    "days": "Days separated by ';', e.g. '2026-05-13; 2026-05-15' (a range "
    "'2026-05-13..2026-05-15' stands for each of its days). Blank: any day of the cohort's "
    "window.",
    "group_days": "Date ranges separated by ';', e.g. '2026-05-01..2026-05-31'. Blank: any "
    "day the host is available. 'none': never.",
    "bool": "yes or no (blank: no).",
    "int": "A whole number.",
    "float": "A number (0.8 or 0,8).",
}
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": cells.parse_text,
    "int": cells.parse_int,
    "float": cells.parse_float,
    "date": cells.parse_date,
    "list": cells.parse_list,
    "wishes": cells.parse_wishes,
    "weights": cells.parse_weights,
    "ranges": lambda v: [{"start": a, "end": b} for a, b in cells.parse_ranges(v)],
    "day_ranges": lambda v: [{"start": a, "end": b} for a, b in cells.parse_ranges(v)],
    "weekdays": cells.parse_list,
    "days": cells.parse_days,
    "group_days": lambda v: [{"start": a, "end": b} for a, b in cells.parse_ranges(v)],
    "bool": cells.parse_bool,
}
#: Column prefixes that say which part of the record a column fills ("Capacity: ...").
_PART_NAMES = {
    "internship": "Internship",
    "window": "Window",
    "team_size": "Team size",
    "capacity": "Capacity",
    "base": "Base",
    "location": "Location",
    "group_visits": "Group visits",
}


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: which field of the record it fills, and how to read it."""

    name: str
    path: tuple[str, ...]
    kind: str
    model: type[BaseModel]
    example: Any = None
    #: For a column that fills no field of ``model`` (a parent's id): what it holds.
    note: str = ""

    @property
    def description(self) -> str:
        """The field's own description, plus how to type a value of this kind."""
        info = self.model.model_fields.get(self.path[-1])
        text = self.note or (info.description if info else "") or ""
        if self.path[0] in _PART_NAMES:
            text = f"{_PART_NAMES[self.path[0]]}: {text}"
        required = info.is_required() if info else bool(self.note)
        extra = _FORMATS.get(self.kind, "")
        return " ".join(p for p in (text, extra, "Required." if required else "") if p)


@dataclass(frozen=True)
class Sheet:
    """One record type: its sheet name, the problem's list it fills, its columns.

    A sheet of records nested in another sheet's records (a cohort's study visits) names
    the ``parent`` list and the ``parent_column`` holding the parent's id; its rows go to
    the parent's field of the sheet's name.
    """

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    parent: str = ""
    parent_column: str = ""


def _c(
    name: str,
    model: type[BaseModel],
    kind: str = "text",
    example: Any = None,
    path: tuple[str, ...] | None = None,
) -> Column:
    return Column(name, path or (name,), kind, model, example)


def _group(name: str, kind: str, example: Any) -> Column:
    """A hosts-sheet column filling ``group_visits.<name>``; blank in every group column:
    the host receives no groups."""
    return Column(f"group_{name}", ("group_visits", name), kind, GroupVisits, example)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "cohorts",
        (
            _c("id", Cohort, example="ITP-LD-2026"),
            _c("name", Cohort, example="ITP Local Democracy 2026"),
            _c("programme", Cohort, example="International Training Programme: Local Democracy"),
            _c("internship_start", DateRange, "date", date(2026, 5, 13), ("internship", "start")),
            _c("internship_end", DateRange, "date", date(2026, 5, 14), ("internship", "end")),
            _c("window_start", DateRange, "date", None, ("window", "start")),
            _c("window_end", DateRange, "date", None, ("window", "end")),
            _c("internship_days", Cohort, "int", 2),
            _c("team_size_min", TeamSize, "int", 2, ("team_size", "min")),
            _c("team_size_max", TeamSize, "int", 4, ("team_size", "max")),
            _c("base", Base, "text", "Stockholm", ("base", "name")),
            _c("base_lat", Base, "float", 59.33, ("base", "lat")),
            _c("base_lon", Base, "float", 18.07, ("base", "lon")),
            _c("travel_budget", Cohort, "float", None),
        ),
        required=True,
    ),
    Sheet(
        "participants",
        (
            _c("id", Participant, example="p01"),
            _c("name", Participant, example="Wanjiru Kamau"),
            _c("cohort", Participant, example="ITP-LD-2026"),
            _c("country", Participant, example="Kenya"),
            _c("organisation", Participant, example="Kisumu County Assembly"),
            _c("gender", Participant, example="female"),
            _c("languages", Participant, "list", "en; sw"),
            _c("themes", Participant, "weights", "citizen-dialogue: 1; gender-mainstreaming: 0.7"),
            _c("access_needs", Participant, "list", ""),
            _c("wishes", Participant, "wishes", "umea"),
            _c("blocked_hosts", Participant, "list", ""),
            _c("home_municipality", Participant, example="Kisumu"),
        ),
        required=True,
    ),
    Sheet(
        "hosts",
        (
            _c("id", Host, example="umea"),
            _c("name", Host, example="Umeå kommun"),
            _c("municipality", Host, example="Umeå"),
            _c("region", Host, example="Västerbotten"),
            _c("themes", Host, "weights", "gender-mainstreaming: 1; citizen-dialogue: 0.6"),
            _c("languages", Host, "list", "en; sv"),
            _c("accessibility", Host, "list", "step-free"),
            _c("max_teams", Capacity, "int", 1, ("capacity", "max_teams")),
            _c("max_participants", Capacity, "int", 4, ("capacity", "max_participants")),
            _c("available", Host, "ranges", "2026-05-01..2026-06-30"),
            _c("closed_weekdays", Host, "weekdays", "sat; sun"),
            _c("blackout", Host, "day_ranges", "2026-06-06; 2026-06-19..2026-06-21"),
            _c("season_max_teams", Host, "int", None),
            _c("partners", Host, "list", "Kisumu; Kenya"),
            _c("lat", Location, "float", 63.83, ("location", "lat")),
            _c("lon", Location, "float", 20.26, ("location", "lon")),
            _group("capacity", "int", 30),
            _group("themes", "weights", "citizen-dialogue: 1"),
            _group("days", "group_days", ""),
            _group("max_per_day", "int", 1),
            _group("with_teams", "bool", "yes"),
        ),
        required=True,
    ),
    Sheet(
        "study_visits",
        (
            Column(
                "cohort",
                ("cohort",),
                "text",
                StudyVisit,
                "ITP-LD-2026",
                note="Id of the cohort that makes the visit (all its participants together).",
            ),
            _c("id", StudyVisit, example="council"),
            _c("themes", StudyVisit, "weights", "citizen-dialogue: 1; gender-mainstreaming: 0.5"),
            _c("days", StudyVisit, "days", "2026-05-13"),
        ),
        parent="cohorts",
        parent_column="cohort",
    ),
    Sheet("pins", (_c("participant", Pin, example="p01"), _c("host", Pin, example="umea"))),
    Sheet(
        "keep_together",
        (
            _c("members", KeepTogether, "list", "p01; p02"),
            _c("reason", KeepTogether, example="joint change project"),
        ),
    ),
    Sheet(
        "keep_apart",
        (
            _c("members", KeepApart, "list", "p02; p03"),
            _c("reason", KeepApart, example="same delegation last year"),
        ),
    ),
    Sheet(
        "affinities",
        (
            _c("participant", Affinity, example="p03"),
            _c("host", Affinity, example="umea"),
            _c("value", Affinity, "float", 0.9),
        ),
    ),
    Sheet(
        "history",
        (
            _c("season", PastVisit, example="2025"),
            _c("host", PastVisit, example="umea"),
            _c("teams", PastVisit, "int", 1),
            _c("organisations", PastVisit, "list", "City of Niš"),
        ),
    ),
    Sheet(
        "travel_costs",
        (
            _c("cohort", TravelCost, example="ITP-LD-2026"),
            _c("host", TravelCost, example="umea"),
            _c("cost", TravelCost, "float", 5200.0),
        ),
    ),
)
_SETTINGS = "settings"
#: Two more example participants, so that the template's pair rules name real people and
#: the template imports as a valid (tiny) problem.
_MORE_EXAMPLES = (
    [
        "p02",
        "Otieno Ochieng",
        "ITP-LD-2026",
        "KE",
        "Kisumu County Government",
        "male",
        "English, Kiswahili",
        "waste-management: 1; climate-adaptation: 0.6",
        "",
        "",
        "",
        "",
    ],
    [
        "p03",
        "Jelena Marković",
        "ITP-LD-2026",
        "Serbia",
        "City of Niš",
        "female",
        "en; sr",
        "citizen-dialogue: 1",
        "step-free",
        "",
        "",
        "",
    ],
)
_SETTING_MODELS: dict[str, type[BaseModel]] = {
    "rules": Rules,
    "weights": Weights,
    "travel": TravelSettings,
}
#: Settings that are numbers (the others are words such as 'soft').
_NUMERIC_SETTINGS: tuple[type[BaseModel], ...] = (Weights, TravelSettings)
#: The top-level settings: the season's travel budget (SEK; blank: none) and the hosts
#: that already receive teams this season outside the problem (host ids; blank: none).
_SEASON_BUDGET = "travel_budget"
_HOSTS_IN_USE = "hosts_in_use"
_IGNORED_SHEETS = {"readme", "read me", "instructions"}


def _fold(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().casefold())


# --------------------------------------------------------------------------------------
# Problem -> tables (the inverse of import) and the template
# --------------------------------------------------------------------------------------


def _get(record: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(record, dict) or key not in record:
            return None
        record = record[key]
    return record


def _to_cell(kind: str, value: Any) -> Any:
    """The canonical cell for a field value; dates stay dates (Excel shows them as dates)."""
    if value is None:
        return "" if kind == "ranges" else None
    if kind in ("list", "weekdays"):
        return cells.format_list(value)
    if kind == "days":
        return cells.format_days(value)
    if kind == "bool":
        return cells.format_bool(value)
    if kind == "day_ranges":  # no blackout is a blank cell, not 'none'
        return cells.format_ranges([(r["start"], r["end"]) for r in value]) if value else ""
    if kind == "weights":
        return cells.format_weights(value)
    if kind == "wishes":
        return cells.format_wishes(value)
    if kind in ("ranges", "group_days"):
        return cells.format_ranges([(r["start"], r["end"]) for r in value])
    return value


def _empty_table(sheet: Sheet) -> Table:
    return Table(
        sheet.name,
        [c.name for c in sheet.columns],
        notes=[c.description for c in sheet.columns],
    )


def _settings_table(problem: Problem | None) -> Table:
    table = Table(
        _SETTINGS,
        ["setting", "value", "description"],
        notes=["Which rule or weight.", "Its value.", "What it means."],
        widths=[28, 12, 90],
    )
    for group, model in _SETTING_MODELS.items():
        current = getattr(problem, group) if problem else model()
        for name, info in model.model_fields.items():
            table.add([f"{group}.{name}", getattr(current, name), info.description or ""])
    budget = problem.travel_budget if problem else None
    table.add([_SEASON_BUDGET, budget, Problem.model_fields[_SEASON_BUDGET].description or ""])
    in_use = cells.format_list(problem.hosts_in_use) if problem else ""
    table.add([_HOSTS_IN_USE, in_use, _HOSTS_IN_USE_NOTE])
    return table


_HOSTS_IN_USE_NOTE = (
    f"{Problem.model_fields[_HOSTS_IN_USE].description} Host ids separated by ';', "
    "e.g. 'umea; lund'; blank: none."
)


def _sheet_records(sheet: Sheet, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of one sheet; nested ones with their parent's id in front."""
    if not sheet.parent:
        records: list[dict[str, Any]] = data[sheet.name]
        return records
    return [
        {sheet.parent_column: parent["id"], **child}
        for parent in data[sheet.parent]
        for child in parent[sheet.name]
    ]


def problem_to_tables(problem: Problem) -> list[Table]:
    """Every record of ``problem`` as rows of the coordinators' sheets, plus the settings."""
    data = problem.model_dump(mode="python")
    tables = []
    for sheet in SHEETS:
        table = _empty_table(sheet)
        for record in _sheet_records(sheet, data):
            table.add([_to_cell(c.kind, _get(record, c.path)) for c in sheet.columns])
        tables.append(table)
    tables.append(_settings_table(problem))
    return tables


def template_tables() -> list[Table]:
    """Empty sheets with one example row each, a settings sheet and a README sheet."""
    tables = []
    readme = Table("README", ["sheet", "column", "what to write"], widths=[16, 20, 100])
    for sheet in SHEETS:
        table = _empty_table(sheet)
        table.add([c.example for c in sheet.columns])
        if sheet.name == "participants":
            for row in _MORE_EXAMPLES:
                table.add(row)
        tables.append(table)
        for column in sheet.columns:
            readme.add([sheet.name, column.name, column.description])
    tables.append(_settings_table(None))
    readme.add([_SETTINGS, "value", "One row per rule or weight; see its description."])
    return [readme, *tables]


def write_problem_workbook(path: str | Path, problem: Problem) -> None:
    """The problem as an XLSX workbook that :func:`load_problem_any` reads back unchanged."""
    from .tables import write_xlsx_tables

    write_xlsx_tables(path, problem_to_tables(problem))


# --------------------------------------------------------------------------------------
# Tables -> problem
# --------------------------------------------------------------------------------------


def read_problem_tables(path: str | Path) -> tuple[Problem, list[str]]:
    """A problem from a workbook, a CSV folder or JSON, and the warnings (unknown languages).

    :func:`icld_match.io.problem_files.load_problem_any` is the same without warnings.
    """
    from .json_files import load_problem
    from .tables import read_csv_tables, read_xlsx_tables

    source = Path(path)
    if source.is_dir():
        return tables_to_problem(read_csv_tables(source))
    if source.suffix.casefold() in (".xlsx", ".xlsm"):
        if not source.is_file():
            raise ProblemError.single(str(source), "", "no such file")
        return tables_to_problem(read_xlsx_tables(source))
    return load_problem(source), []


def tables_to_problem(
    tables: dict[str, Table], normalise: bool = True
) -> tuple[Problem, list[str]]:
    """Build and validate a problem from sheets; every error at once, located by cell.

    With ``normalise``, countries get one spelling (``KE`` -> ``Kenya``) and languages
    their ISO 639-1 code (``English`` -> ``en``); unknown languages are warned about.
    """
    reader = _Reader(tables, normalise)
    data = reader.read()
    try:
        problem = Problem.model_validate(data)
    except ProblemError as error:
        located = [reader.locate(issue, data) for issue in error.issues]
        issues = reader.issues + [i for i in located if i.record not in reader.failed_cells]
        raise ProblemError(list(dict.fromkeys(issues))) from None
    if reader.issues:
        raise ProblemError(reader.issues)
    return problem, reader.warnings


class _Reader:
    """Reads the sheets into problem data, remembering which row each record came from."""

    def __init__(self, tables: dict[str, Table], normalise: bool) -> None:
        self.tables = {_fold(k): t for k, t in tables.items()}
        self.normalise = normalise
        self.issues: list[ProblemIssue] = []
        self.warnings: list[str] = []
        self.failed_cells: set[str] = set()
        #: sheet name -> per record: (table, row number, header position of each column)
        self.origins: dict[str, list[tuple[Table, int, dict[str, int]]]] = {}
        #: "rules.organisation" -> (settings table, row number)
        self.setting_rows: dict[str, tuple[Table, int]] = {}
        #: (parent list, parent index, field, child index) -> where a nested record came from
        self.nested_origins: dict[tuple[str, int, str, int], tuple[Table, int, dict[str, int]]]
        self.nested_origins = {}

    def issue(self, where: str, message: str) -> None:
        self.issues.append(ProblemIssue(where, "", message))

    def read(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.tables.keys() - {s.name for s in SHEETS} - {_SETTINGS}:
            if name not in _IGNORED_SHEETS:
                self.warnings.append(f"{self.tables[name].source}: sheet ignored (unknown name)")
        for sheet in SHEETS:
            table = self.tables.get(sheet.name)
            if table is None:
                if sheet.required:
                    self.issue(sheet.name, f"no sheet (or CSV file) named '{sheet.name}'")
                continue
            records = self.read_sheet(sheet, table)
            if sheet.parent:
                self.attach(sheet, records, data)
            else:
                data[sheet.name] = records
        if _SETTINGS in self.tables:
            data.update(self.read_settings(self.tables[_SETTINGS]))
        return data

    def positions(self, sheet: Sheet, table: Table) -> dict[str, int]:
        known = {c.name: c for c in sheet.columns}
        positions: dict[str, int] = {}
        for i, header in enumerate(table.header):
            name = _fold(header)
            where = f"{table.source}{SEP}row 1{SEP}column {column_letter(i)}"
            if not header:
                continue
            if name not in known:
                hint = did_you_mean(name, known)
                self.issue(
                    where,
                    f"unknown column '{header}'"
                    + (
                        f" (did you mean '{hint}'?)"
                        if hint
                        else f"; the columns are {', '.join(known)}"
                    ),
                )
            elif name in positions:
                self.issue(where, f"column '{header}' appears twice")
            else:
                positions[name] = i
        return positions

    def read_sheet(self, sheet: Sheet, table: Table) -> list[dict[str, Any]]:
        positions = self.positions(sheet, table)
        records = []
        origins = self.origins.setdefault(sheet.name, [])
        for number, values in table.rows:
            if all(cells.is_blank(v) for v in values):
                continue
            self.stray_cells(table, number, values)
            record: dict[str, Any] = {}
            for column in sheet.columns:
                if column.name not in positions:
                    continue
                i = positions[column.name]
                value = values[i] if i < len(values) else None
                if cells.is_blank(value) or self.unreadable(table, number, i, value):
                    continue
                try:
                    parsed = _PARSERS[column.kind](value)
                except cells.CellError as error:
                    where = self.cell(table, number, i)
                    self.failed_cells.add(where)
                    self.issue(where, str(error))
                    continue
                _put(record, column.path, parsed)
            if self.normalise:
                self.tidy(record, self.cell(table, number, positions.get("languages", 0)))
            records.append(record)
            origins.append((table, number, positions))
        return records

    def unreadable(self, table: Table, row: int, col: int, value: Any) -> bool:
        """Report a cell the file holds no value for (a formula never computed)."""
        if not isinstance(value, cells.Unreadable):
            return False
        where = self.cell(table, row, col)
        self.failed_cells.add(where)
        self.issue(where, value.message)
        return True

    def stray_cells(self, table: Table, row: int, values: list[Any]) -> None:
        """Values in columns without a header (past the header's end, as an extra
        ``,extra`` in a CSV row, or under a blank header cell) are reported, not dropped."""
        width = max((i + 1 for i, h in enumerate(table.header) if h), default=0)
        for i, value in enumerate(values[:width]):
            if not table.header[i] and not cells.is_blank(value):
                self.issue(
                    f"{table.source}{SEP}row {row}{SEP}column {column_letter(i)}",
                    f"{_shown(value)} is in a column without a header; "
                    "name the column or clear the cell",
                )
        extra = [(i, v) for i, v in enumerate(values) if i >= width and not cells.is_blank(v)]
        if extra:
            count, last = len(extra), column_letter(width - 1) if width else "none"
            shown = ", ".join(_shown(v) for _, v in extra[:5]) + (", …" * (count > 5))
            tip = "clear them"
            if table.source.casefold().endswith(".csv"):
                tip = "remove them, or put quotes around a value that holds the separator"
            self.issue(
                f"{table.source}{SEP}row {row}{SEP}column {column_letter(extra[0][0])}",
                f"{count} cell{'s' * (count > 1)} past the last column of the header "
                f"({last}): {shown}; {tip}",
            )

    def attach(self, sheet: Sheet, records: list[dict[str, Any]], data: dict[str, Any]) -> None:
        """Give each nested record (a study visit) to the parent its id column names."""
        parents = data.get(sheet.parent)
        if parents is None:  # the parent sheet is missing: that error is already reported
            return
        index: dict[Any, int] = {}
        for i, parent in enumerate(parents):
            if parent.get("id") is not None:  # a parent without an id takes no rows
                index.setdefault(parent["id"], i)
            parent[sheet.name] = []
        key = sheet.parent_column
        for record, origin in zip(records, self.origins[sheet.name], strict=True):
            table, number, positions = origin
            if key not in positions:
                self.issue(table.source, f"no column '{key}' (the {key} of each row)")
                return
            where = self.cell(table, number, positions[key])
            parent_id = record.pop(key, None)
            if parent_id not in index:
                if where not in self.failed_cells:
                    message = "must be filled in"
                    if parent_id is not None:
                        message = f"unknown {key} '{parent_id}'"
                    self.issue(where, _coordinator_message(message, data))
                continue
            children = parents[index[parent_id]][sheet.name]
            place = (sheet.parent, index[parent_id], sheet.name, len(children))
            self.nested_origins[place] = origin
            children.append(record)

    def tidy(self, record: dict[str, Any], where: str) -> None:
        """One spelling per country and language; unknown languages are kept, with a warning."""
        if isinstance(record.get("country"), str):
            record["country"] = canonical_country(record["country"]) or record["country"]
        if isinstance(record.get("languages"), list):
            record["languages"], unknown = normalise_languages(record["languages"])
            for tag in unknown:
                self.warnings.append(
                    f"{where}: '{tag}' is not a language name or ISO 639-1 code; kept as "
                    f"'{tag.casefold()}', which matches only the same tag elsewhere"
                )

    def read_settings(self, table: Table) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for number, values in table.rows:
            if all(cells.is_blank(v) for v in values):
                continue
            self.stray_cells(table, number, values)
            first = values[0] if values else None
            if self.unreadable(table, number, 0, first):
                continue
            key = "" if cells.is_blank(first) else cells.parse_text(first)
            if not key:
                continue
            if key in seen:
                self.issue(
                    self.cell(table, number, 0),
                    f"setting '{key}' given twice (also row {seen[key]}); keep one row",
                )
                continue
            seen[key] = number
            if len(values) > 1 and self.unreadable(table, number, 1, values[1]):
                continue
            if key == _SEASON_BUDGET:
                self.read_season_budget(table, number, values, settings)
                continue
            if key == _HOSTS_IN_USE:
                self.read_hosts_in_use(table, number, values, settings)
                continue
            group, _, name = key.partition(".")
            model = _SETTING_MODELS.get(group)
            if model is None or name not in model.model_fields:
                options = [f"{g}.{n}" for g, m in _SETTING_MODELS.items() for n in m.model_fields]
                options += [_SEASON_BUDGET, _HOSTS_IN_USE]
                hint = did_you_mean(key, options)
                self.issue(
                    self.cell(table, number, 0),
                    f"unknown setting '{key}'" + (f" (did you mean '{hint}'?)" if hint else ""),
                )
                continue
            value = values[1] if len(values) > 1 else None
            if cells.is_blank(value):
                continue
            if model in _NUMERIC_SETTINGS or key == "rules.fit_floor":
                try:
                    value = cells.parse_float(value)
                except cells.CellError as error:
                    self.issue(self.cell(table, number, 1), str(error))
                    continue
            else:
                value = cells.parse_text(value)
            settings.setdefault(group, {})[name] = value
            self.setting_rows[key] = (table, number)
        return settings

    def read_season_budget(
        self, table: Table, number: int, values: list[Any], settings: dict[str, Any]
    ) -> None:
        value = values[1] if len(values) > 1 else None
        if cells.is_blank(value):
            return
        try:
            settings[_SEASON_BUDGET] = cells.parse_float(value)
        except cells.CellError as error:
            self.issue(self.cell(table, number, 1), str(error))

    def read_hosts_in_use(
        self, table: Table, number: int, values: list[Any], settings: dict[str, Any]
    ) -> None:
        value = values[1] if len(values) > 1 else None
        self.setting_rows[_HOSTS_IN_USE] = (table, number)
        if not cells.is_blank(value):
            settings[_HOSTS_IN_USE] = cells.parse_list(value)

    @staticmethod
    def cell(table: Table, row: int, col: int) -> str:
        name = table.header[col] if col < len(table.header) else ""
        return f"{table.source}{SEP}row {row}{SEP}column {column_letter(col)} ({name})"

    def locate(self, issue: ProblemIssue, data: dict[str, Any]) -> ProblemIssue:
        """Turn ``participants[3] (id 'p04').languages`` into the cell the value came from."""
        message = _coordinator_message(issue.message, data)
        found = re.match(r"(\w+)\[(\d+)\]", issue.record)
        nested = self.nested_origin(found, issue.field)
        if nested is not None:
            sheet, origin, field = nested
            return self.in_row(sheet, origin, field, message)
        if found and found[1] in self.origins:
            sheet = next(s for s in SHEETS if s.name == found[1])
            origin = self.origins[found[1]][int(found[2])]
            return self.in_row(sheet, origin, issue.field, message)
        if _HOSTS_IN_USE in (issue.field, issue.record.partition("[")[0]):
            row = self.setting_rows.get(_HOSTS_IN_USE)
            if row is not None:
                return ProblemIssue(self.cell(row[0], row[1], 1), "", message)
            return ProblemIssue(f"{_SETTINGS}{SEP}{_HOSTS_IN_USE}", "", message)
        if issue.record in _SETTING_MODELS:
            key = f"{issue.record}.{issue.field}"
            row = self.setting_rows.get(key)
            if row is not None:
                return ProblemIssue(self.cell(row[0], row[1], 1), "", message)
            return ProblemIssue(f"{_SETTINGS}{SEP}{key}", "", message)
        sheet_table = self.tables.get(issue.record)
        if sheet_table is not None and "at least 1 item" in issue.message:
            return ProblemIssue(
                sheet_table.source, "", "the sheet has no rows; at least one is needed"
            )
        return ProblemIssue(issue.record, issue.field, message)

    def in_row(
        self, sheet: Sheet, origin: tuple[Table, int, dict[str, int]], field: str, message: str
    ) -> ProblemIssue:
        """The cell of ``field`` in the row a record came from (the row if no column fits)."""
        table, number, positions = origin
        column = _column_for(sheet, _field_names(field))
        if column is not None and column.name in positions:
            return ProblemIssue(self.cell(table, number, positions[column.name]), "", message)
        if column is not None:  # the whole column is missing: say so once, for the sheet
            return ProblemIssue(table.source, "", f"no column '{column.name}' ({message})")
        return ProblemIssue(f"{table.source}{SEP}row {number}", "", message)

    def nested_origin(
        self, found: re.Match[str] | None, field: str
    ) -> tuple[Sheet, tuple[Table, int, dict[str, int]], str] | None:
        """For ``cohorts[2].study_visits[1].themes``: the visit's sheet, row and field."""
        child = re.match(r"(\w+)\[(\d+)\]\.?", field)
        if found is None or child is None:
            return None
        place = (found[1], int(found[2]), child[1], int(child[2]))
        origin = self.nested_origins.get(place)
        if origin is None:
            return None
        sheet = next(s for s in SHEETS if s.name == child[1] and s.parent == found[1])
        return sheet, origin, field[child.end() :]


def _field_names(field: str) -> list[str]:
    """``group_visits.themes['a.b']`` -> ``['group_visits', 'themes']``: dict keys and list
    positions dropped, so the field names the column."""
    plain = re.sub(r"\[(?:'[^']*'|\"[^\"]*\"|[^\]]*)\]", "", field)
    return [part for part in re.split(r"[.\s]", plain) if part][:2] if plain else []


def _shown(value: Any) -> str:
    """A cell's value, quoted and cut short, for a message."""
    text = cells.parse_text(value)
    return repr(text if len(text) <= 30 else text[:29] + "\N{HORIZONTAL ELLIPSIS}")


def _put(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value


def _column_for(sheet: Sheet, field: list[str]) -> Column | None:
    """The column filled from ``field`` (a pydantic location such as themes.water)."""
    best = None
    for column in sheet.columns:
        n = len(column.path)
        if tuple(field[:n]) == column.path and (best is None or n > len(best.path)):
            best = column
    if best is None and field:
        best = next((c for c in sheet.columns if c.path[: len(field)] == tuple(field)), None)
    return best


def _coordinator_message(message: str, data: dict[str, Any]) -> str:
    """pydantic's wording where a coordinator needs another, and 'did you mean' for ids."""
    if message.startswith("Field required"):
        return "must be filled in"
    if message.startswith(("List should have at least 1 item", "should have at least 1 item")):
        return "must hold at least one value"
    unknown = re.fullmatch(r"unknown (host|participant|cohort) '(.*)'", message)
    if unknown:
        kind = {"host": "hosts", "participant": "participants", "cohort": "cohorts"}
        ids = [r.get("id") for r in data.get(kind[unknown[1]], []) if isinstance(r, dict)]
        hint = did_you_mean(unknown[2], [i for i in ids if isinstance(i, str)])
        if hint:
            message += f" (did you mean '{hint}'?)"
    return message
