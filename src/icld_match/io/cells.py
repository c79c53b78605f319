"""Reading and writing single spreadsheet cells: dates, lists, weighted tags, date ranges.

Coordinators type cells by hand, in Excel or LibreOffice, with Swedish or English locale
settings, so each reader accepts the forms people actually type (``en; sw`` or ``en, sw``,
``13/05/2026`` or an Excel date cell, ``0,8`` with a decimal comma) and each writer emits
one canonical form that the readers take back unchanged. Pure functions: no openpyxl here,
so the CSV path and the tests need no spreadsheet library.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

__all__ = [
    "CellError",
    "Unreadable",
    "format_bool",
    "format_date",
    "format_days",
    "format_list",
    "format_ranges",
    "format_weights",
    "is_blank",
    "parse_bool",
    "parse_date",
    "parse_days",
    "parse_float",
    "parse_int",
    "parse_list",
    "parse_ranges",
    "parse_text",
    "parse_weights",
]

#: Excel's day 0 (serial 1 is 1900-01-01, and Excel counts a 29 February 1900 that never was).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Items in a multi-value cell: ``;`` or a new line, or a comma that is not a decimal comma.
_ITEM_SPLIT = re.compile(r"[;\n]|,(?!\d)")
#: Separators between the two dates of a range: ``..``, an en dash, `` to ``, `` - ``.
_RANGE_SPLIT = re.compile(r"\s*(?:\.\.|\u2013|\u2014|\bto\b|\s-\s)\s*")
_NEVER = {"none", "never", "-"}
#: Yes/no cells as people type them (English and Swedish); Excel's TRUE/FALSE arrive as bools.
_YES = {"yes", "y", "true", "x", "1", "ja", "j", "sant"}
_NO = {"no", "n", "false", "0", "nej", "falskt"}
#: Most days one cell of single days may expand to (a range typed by mistake over years).
_MAX_DAYS = 366


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is for coordinators."""


class Unreadable:
    """A cell whose value the file does not hold (a formula never computed): the reader
    reports ``message`` at the cell instead of taking the cell as blank."""

    def __init__(self, text: str, message: str) -> None:
        self.text = text
        self.message = message

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Unreadable({self.text!r})"


def is_blank(value: Any) -> bool:
    """Empty cells arrive as None from openpyxl and as '' (or spaces) from CSV."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    """Text cells may hold numbers (an id typed as 7 becomes 7 or 7.0 in Excel)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return format_date(value)
    return str(value).strip()


def parse_int(value: Any) -> int:
    """Whole numbers; Excel stores every number as a float, so 3.0 counts as 3."""
    if isinstance(value, bool):
        raise CellError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    number = parse_float(value)
    if not number.is_integer():
        raise CellError(f"expected a whole number, got {_shown(value)}")
    return int(number)


def parse_float(value: Any) -> float:
    """Numbers, with a decimal point or a decimal comma (Swedish Excel writes 0,8)."""
    if isinstance(value, bool):
        raise CellError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u2212", "-")
        if re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"expected a number, got {_shown(value)}") from None
    if not math.isfinite(number):
        raise CellError(f"expected a finite number, got {_shown(value)}")
    return number


def parse_date(value: Any) -> date:
    """ISO ``2026-05-13``, day-first ``13/05/2026`` or ``13.05.2026``, a date cell or a serial."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466 and float(value).is_integer():  # Excel's range: 1900..9999
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"expected a date, got the number {_shown(value)}")
    text = str(value).strip()
    text = text.split("T")[0].split(" ")[0] if re.match(r"\d{4}-\d\d-\d\d[T ]", text) else text
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    dmy = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dmy:
            return date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    except ValueError as error:
        raise CellError(f"{_shown(value)} is not a real date ({error})") from None
    raise CellError(f"expected a date such as 2026-05-13 or 13/05/2026, got {_shown(value)}")


def parse_list(value: Any) -> list[str]:
    """Several values in one cell: ``en; sw``, ``en, sw`` or one per line."""
    return [item.strip() for item in _ITEM_SPLIT.split(parse_text(value)) if item.strip()]


def parse_wishes(value: Any) -> list[str | list[str]]:
    """Ranked wishes ``umea; lund | malmo; visby``: ranks separated by ';' (or ','),
    hosts that share a rank by '|'."""
    wishes: list[str | list[str]] = []
    for item in parse_list(value):
        tied = [host.strip() for host in item.split("|")]
        if any(not host for host in tied):
            raise CellError(f"{item!r} has an empty host around '|'; write 'lund | malmo'")
        wishes.append(tied[0] if len(tied) == 1 else tied)
    return wishes


def parse_weights(value: Any) -> dict[str, float]:
    """Weighted tags ``water: 0.8; health: 0.4``; a tag without a number weighs 1."""
    weights: dict[str, float] = {}
    for item in parse_list(value):
        tag, colon, number = item.rpartition(":")
        if not colon:
            tag, number = item, "1"
        tag = tag.strip()
        if not tag:
            raise CellError(f"{item!r} has a weight but no tag; write it as 'tag: 0.5'")
        if tag in weights:
            raise CellError(f"tag {tag!r} is listed twice")
        try:
            weights[tag] = parse_float(number.strip())
        except CellError:
            raise CellError(
                f"the weight of {tag!r} is not a number ({number.strip()!r}); "
                "write it as 'tag: 0.5'"
            ) from None
    return weights


def parse_ranges(value: Any) -> list[tuple[date, date]]:
    """Availability: ``2026-05-01..2026-05-31; 2026-06-02``; ``none`` means never available."""
    if isinstance(value, datetime | date | int | float) and not isinstance(value, bool):
        day = parse_date(value)
        return [(day, day)]
    text = parse_text(value)
    if text.casefold() in _NEVER:
        return []
    ranges = []
    for item in re.split(r"[;\n]|,(?=\s*\d{1,4}[-/.]\d)", text):
        item = item.strip()
        if not item:
            continue
        ends = [part for part in _RANGE_SPLIT.split(item) if part]
        if len(ends) not in (1, 2):
            raise CellError(f"cannot read {item!r} as a date range such as 2026-05-01..2026-05-31")
        start, end = parse_date(ends[0]), parse_date(ends[-1])
        if end < start:
            raise CellError(f"the range {item!r} ends before it starts")
        ranges.append((start, end))
    return ranges


def parse_days(value: Any) -> list[date]:
    """Single days ``2026-05-13; 2026-05-15``; a range ``2026-05-13..2026-05-15`` stands
    for each of its days, in order."""
    days: list[date] = []
    for start, end in parse_ranges(value):
        count = (end - start).days + 1
        if count > _MAX_DAYS:
            raise CellError(f"the range {start}..{end} holds {count} days; at most {_MAX_DAYS}")
        days += [start + timedelta(n) for n in range(count)]
    return days


def parse_bool(value: Any) -> bool:
    """Yes or no: ``yes``/``no`` (or ``true``/``false``, ``ja``/``nej``, ``x``, 1/0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = parse_text(value).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"expected yes or no, got {_shown(value)}")


# --------------------------------------------------------------------------------------
# Writers: the canonical form each reader takes back unchanged
# --------------------------------------------------------------------------------------


def format_date(day: date | datetime) -> str:
    return (day.date() if isinstance(day, datetime) else day).isoformat()


def format_days(days: list[date]) -> str:
    """The inverse of :func:`parse_days`: each day on its own, in the order given."""
    return "; ".join(format_date(day) for day in days)


def format_bool(value: bool) -> str:
    return "yes" if value else "no"


def format_list(items: list[str]) -> str:
    return "; ".join(items)


def format_wishes(wishes: list[str | list[str]]) -> str:
    """The inverse of :func:`parse_wishes` (a tie of one host is written as that host)."""
    return "; ".join(w if isinstance(w, str) else " | ".join(w) for w in wishes)


def format_weights(weights: dict[str, float]) -> str:
    """``repr`` keeps every float exact, so a written cell reads back as the same number."""
    return "; ".join(f"{tag}: {_number(weight)}" for tag, weight in weights.items())


def format_ranges(ranges: list[tuple[date, date]] | None) -> str:
    """None (any date) is a blank cell; an empty list (never) is ``none``."""
    if ranges is None:
        return ""
    if not ranges:
        return "none"
    return "; ".join(
        format_date(a) if a == b else f"{format_date(a)}..{format_date(b)}" for a, b in ranges
    )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
