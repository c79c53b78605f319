"""Reading problems, allocations and changes from JSON; writing results atomically.

This is the one place where bytes become records, for the CLI and the Python API alike,
so both accept the same input: UTF-8 with or without a byte-order mark. Every failure
(unreadable file, other encodings, bad JSON, huge integer literals, schema and
cross-record errors) is raised as one :class:`ProblemError` whose issues name the file,
the line, or the record and field. Imports go one way: ``io`` uses ``records`` and
``planning.changes``, never the reverse.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..planning.changes import CHANGES_ADAPTER, Change, parse_changes
from ..records.errors import ProblemError, ProblemIssue
from ..records.result import Allocation
from ..records.schema import Problem

#: Longest integer literal accepted in JSON. Every bounded count fits in far fewer
#: digits; without a limit Python refuses literals over 4,300 digits with a ValueError.
MAX_INT_DIGITS = 40

_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class _HugeInteger(ValueError):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INT_DIGITS:
        raise _HugeInteger(literal)
    return int(literal)


def decode(raw: bytes, source: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped; other encodings name the line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for mark, name in _BOMS.items():
        if raw.startswith(mark):
            raise ProblemError.single(source, "", f"the file is {name} text; save it as UTF-8")
    if raw.startswith(b"PK\x03\x04"):  # a zip archive: a workbook where JSON is read
        raise ProblemError.single(
            source, "", "this is a workbook (.xlsx) or another zip file, not JSON text"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        raise ProblemError.single(
            source,
            "",
            f"not UTF-8 text: byte 0x{byte:02x} at line {line} column {column} "
            "(save the file as UTF-8)",
        ) from None


def loads(text: str | bytes, source: str = "input") -> Any:
    """Decoded JSON data; syntax errors name the line and column."""
    if isinstance(text, bytes | bytearray):
        text = decode(bytes(text), source)
    text = text.removeprefix("\ufeff")
    repeated: list[tuple[str, list[str]]] = []
    try:
        data = json.loads(text, parse_int=_bounded_int, object_pairs_hook=_once(repeated))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ProblemError.single(source, "", f"not valid JSON at {where}: {error.msg}") from None
    except _HugeInteger as error:
        line = text.count("\n", 0, max(text.find(error.literal), 0)) + 1
        raise ProblemError.single(
            source,
            "",
            f"number with {len(error.literal)} digits at line {line}; whole numbers have at "
            f"most {MAX_INT_DIGITS} digits",
        ) from None
    except RecursionError:
        raise ProblemError.single(source, "", "not valid JSON: nested too deeply") from None
    if repeated:
        raise ProblemError(
            [
                ProblemIssue(
                    source,
                    "",
                    f"key {key!r} is given twice in one object ({_keys(keys)}); "
                    "JSON would keep only the last",
                )
                for key, keys in repeated
            ]
        )
    return data


def _once(repeated: list[tuple[str, list[str]]]) -> Callable[[list[tuple[str, Any]]], Any]:
    """An ``object_pairs_hook`` that builds the dict and notes every key given twice:
    ``json`` itself keeps the last silently (a second ``"weights"`` would replace them)."""

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    repeated.append((key, list(built)))
                seen.add(key)
        return built

    return build


def _keys(keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:4])
    return f"its keys: {shown}{', ...' if len(keys) > 4 else ''}"


def read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ProblemError.single(str(path), "", f"cannot read file: {error.strerror}") from None


def problem_from_json(text: str | bytes, source: str = "input") -> Problem:
    """Parse a problem from JSON text; every error at once as a :class:`ProblemError`."""
    return Problem.model_validate(loads(text, source))


def load_problem(path: str | Path) -> Problem:
    """Load a problem JSON file; every error is reported at once as a ProblemError."""
    return problem_from_json(read_bytes(path), str(path))


def allocation_from_json(text: str | bytes, source: str = "input") -> Allocation:
    """Parse an allocation from JSON text; errors name the file and the team/field."""
    data = loads(text, source)
    try:
        return Allocation.model_validate(data)
    except ProblemError as error:
        raise error.relabelled(source) from None


def load_allocation(path: str | Path) -> Allocation:
    return allocation_from_json(read_bytes(path), str(path))


def changes_from_json(text: str | bytes, source: str = "input") -> list[Change]:
    """Parse a JSON list of changes; errors name the change (``changes[0].max_teams``)."""
    return parse_changes(loads(text, source))


def load_changes(path: str | Path) -> list[Change]:
    """Load a JSON list of changes (dropouts, additions, host changes, force/forbid)."""
    return changes_from_json(read_bytes(path), str(path))


#: The JSON Schema dialect of every schema icld-match prints.
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_NAMES = ("problem", "allocation", "changes", "explanation")


def schema_id(name: str) -> str:
    """A stable name for a schema: a URN, since no web address is promised to exist. The
    trailing number is the format's version (the problem's ``schema_version``)."""
    return f"urn:icld-match:schema:{name}:1"


def schema_document(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file format, with ``$schema`` and ``$id``."""
    if name == "problem":
        body = Problem.model_json_schema()
    elif name == "allocation":
        body = Allocation.model_json_schema()
    elif name == "changes":
        body = CHANGES_ADAPTER.json_schema()
        body.setdefault("title", "Changes")
        body.setdefault(
            "description",
            "A list of changes to a problem, applied in order "
            "by `icld-match replan` and `what-if`.",
        )
    elif name == "explanation":
        from ..analysis.explain import Explanation  # only this schema needs the analysis

        body = Explanation.model_json_schema()
    else:
        raise ValueError(f"no schema named {name!r}; choose from {', '.join(SCHEMA_NAMES)}")
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id(name), **body}


def json_schema_of(name: str) -> str:
    """One format's schema as indented JSON text (``icld-match schema NAME``)."""
    return json.dumps(schema_document(name), indent=2)


def json_schema() -> str:
    """The problem and allocation schemas in one object, as ``icld-match schema`` always
    printed them, for other ICLD systems; each is a complete schema of its own."""
    return json.dumps({name: schema_document(name) for name in ("problem", "allocation")}, indent=2)


def _mode_for(target: Path) -> int:
    """An existing target's permissions, else what ``open()`` would give under the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def check_writable(path: str | Path) -> None:
    """Fail early, before a long solve, if ``path`` cannot be written (ProblemError)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ProblemError.single(str(path), "", "is a directory, not a file name")
    if not folder.is_dir():
        raise ProblemError.single(str(path), "", f"folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ProblemError.single(str(path), "", f"folder {str(folder)!r} is not writable")


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write a temporary file beside the target, then rename: readers never see half a file.

    A failure is a ProblemError naming the target (not the temporary file), and the target
    is left as it was."""
    target = Path(path)
    try:
        mode = _mode_for(target)  # mkstemp creates 0600; give the file the usual permissions
        folder = target.parent or "."
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except (OSError, ValueError) as error:
        raise _unwritable(target, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.chmod(tmp, mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _unwritable(target, error) from None
        raise


def _unwritable(target: Path, error: Exception) -> ProblemError:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return ProblemError.single(str(target), "", f"cannot write the file: {reason}")
