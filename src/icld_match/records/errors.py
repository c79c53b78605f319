"""One exception for every kind of bad input, carrying all the problems found at once.

:class:`ProblemError` is the only exception the public API raises on bad input, whether
it comes as JSON text, a file or Python objects. Each :class:`ProblemIssue` names the
record (with its id when it has one), the field as a path in the user's terms
(``available[0].end``), what was found and what is expected. Pydantic's own errors are
translated here, so no Python vocabulary ("instance of", "after validation") reaches a
coordinator.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

#: Longest rendering of an offending value in a message; longer ones are cut with "…".
SHOWN_VALUE = 60


@dataclass(frozen=True)
class ProblemIssue:
    """One thing wrong with the input, located by record and field."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        if not self.field:
            return f"{self.record}: {self.message}"
        joiner = "" if self.field.startswith("[") else "."
        return f"{self.record}{joiner}{self.field}: {self.message}"


class ProblemError(ValueError):
    """The input is not a valid problem; ``issues`` lists every problem found.

    A subclass of ``ValueError`` so that callers who already catch bad values keep
    working; catch ``ProblemError`` to get the structured ``issues``.
    """

    def __init__(self, issues: Iterable[ProblemIssue]) -> None:
        self.issues = list(issues)
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the input"
        super().__init__(head + ":\n" + "\n".join(f"  {issue}" for issue in self.issues))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.issues,))

    @classmethod
    def single(cls, record: str, field: str, message: str) -> ProblemError:
        return cls([ProblemIssue(record, field, message)])

    def relabelled(self, prefix: str) -> ProblemError:
        """The same issues with ``prefix`` before each record, e.g. a file name."""
        return ProblemError(
            ProblemIssue(f"{prefix}: {i.record}" if i.record else prefix, i.field, i.message)
            for i in self.issues
        )


def shorten(value: object) -> str:
    """A short, always printable rendering of an offending value (JSON words for
    true/false/null, since that is what the user wrote)."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    try:
        shown = repr(value)
    except (ValueError, RecursionError):  # e.g. an int too long to convert to text
        return f"a {type(value).__name__} too large to show"
    if len(shown) > SHOWN_VALUE:
        shown = shown[: SHOWN_VALUE - 1] + "…"
    return shown


def label(collection: str, index: int, record_id: object | None = None) -> str:
    """``hosts[1] (id 'h2')``: how a record is named in every message."""
    shown = f" (id {shorten(record_id)})" if isinstance(record_id, str) else ""
    return f"{collection}[{index}]{shown}"


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DICT_FIELDS = frozenset({"themes"})


def field_path(parts: Iterable[int | str]) -> str:
    """``('available', 0, 'end')`` -> ``available[0].end``; dict keys as ``themes['water']``."""
    out = ""
    previous: int | str | None = None
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (the key)"
        elif previous in _DICT_FIELDS or not _IDENTIFIER.match(part):
            out += f"[{shorten(part)}]"
        else:
            out += f".{part}" if out else part
        previous = part
    return out


#: Pydantic error types whose wording is rewritten in the coordinator's terms.
_MESSAGES: dict[str, str] = {
    "model_type": "expected a JSON object {...}",
    "model_attributes_type": "expected a JSON object {...}",
    "dict_type": "expected a JSON object {...}",
    "list_type": "expected a JSON list [...]",
    "string_type": "expected text in quotes",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "date_type": "expected a date in the form YYYY-MM-DD",
    "date_parsing": "expected a date in the form YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date in the form YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date in the form YYYY-MM-DD",
    "string_pattern_mismatch": "expected an id: not empty, no spaces at either end",
    "json_invalid": "not valid JSON",
    "json_type": "expected JSON text",
    "enum": "expected one of the listed values",
    "union_tag_not_found": "missing 'kind'",
}


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _MESSAGES:
        message = _MESSAGES[kind]
        if kind == "enum" and "expected" in ctx:
            message = f"expected {ctx['expected']}"
    elif kind == "union_tag_invalid":
        message = f"unknown kind {shorten(ctx.get('tag'))}, expected {ctx.get('expected_tags')}"
    else:
        message = str(error["msg"]).removeprefix("Value error, ")
        message = message.replace(" after validation", "").replace("Input should", "should")
        message = message.replace("String should", "text should").replace("List should", "should")
    if kind not in ("missing", "extra_forbidden") and "input" in error:
        message += f" (got {shorten(error['input'])})"
    return message


def _record_id(data: Any, collection: str, index: int) -> object | None:
    with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
        record = data[collection][index]
        return record.get("id") if isinstance(record, Mapping) else getattr(record, "id", None)
    return None


def issues_from_validation_error(
    error: ValidationError, data: Any = None, root: str = "problem"
) -> list[ProblemIssue]:
    """Pydantic's errors as issues naming the record (with its id, from ``data``) and field.

    An error raised by a cross-record check is a :class:`ProblemError` wrapped by pydantic;
    its issues are taken over as they are.
    """
    issues: list[ProblemIssue] = []
    for e in error.errors(include_url=False):
        inner = (e.get("ctx") or {}).get("error")
        if isinstance(inner, ProblemError):
            issues.extend(inner.issues)
            continue
        loc = list(e["loc"])
        if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
            record = label(loc[0], loc[1], _record_id(data, loc[0], loc[1]))
            field = field_path(loc[2:])
        elif loc and isinstance(loc[0], str):
            record, field = loc[0], field_path(loc[1:])
        else:
            record, field = root + field_path(loc), ""
        issues.append(ProblemIssue(record, field, _message(e)))
    return issues
