"""The base of every validated model: bad input raises ProblemError, never ValidationError.

Pydantic reports field errors as ``ValidationError`` and lets a ``ValueError`` raised in
a validator become one too. Users of icld-match should catch one exception whatever the
entry point (``Problem(...)``, ``Problem.model_validate``, ``..._json``), so the four
constructors are overridden here to translate, in one place. A wrap validator cannot do
it: ``ProblemError`` is a ``ValueError``, which pydantic would wrap again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ValidationError, ValidationInfo, field_validator

from .errors import ProblemError, issues_from_validation_error, shorten

#: C0 controls, DEL and C1 controls (U+0000-U+001F, U+007F-U+009F).
_CONTROLS = "\x00-\x1f\x7f-\x9f"
#: Halves of surrogate pairs ("\\ud800" in JSON), which no UTF-8 file can store.
_SURROGATES = "\ud800-\udfff"
#: A character no text may hold.
_UNSTORABLE = re.compile(f"[{_CONTROLS}{_SURROGATES}]")
#: The same but tab, line feed and carriage return, which a multi-line text may hold.
_UNSTORABLE_IN_PROSE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATES}]")


def _holds(value: Any, unstorable: re.Pattern[str]) -> bool:
    """Whether any text in a field's value (list items and dict keys and values, nested
    too) holds a character matching ``unstorable``: the fast check every field passes."""
    if isinstance(value, str):
        return unstorable.search(value) is not None
    if isinstance(value, list | tuple):
        for item in value:
            if _holds(item, unstorable):
                return True
    elif isinstance(value, dict):
        for key, item in value.items():
            if _holds(key, unstorable) or _holds(item, unstorable):
                return True
    return False


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a field's value with where it sits (``"[1][0]"`` for an item of a
    nested list, ``"key 'x'"`` for a dict key, ``""`` for the value itself)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, f"{path} key {shorten(key)}".lstrip())
            yield from _texts(item, f"{path}[{shorten(key)}]")


def _where(path: str) -> str:
    """How a message names the place of a text inside a field: ``"item [1][0] "``."""
    if not path:
        return ""
    return f"item {path} " if path.startswith("[") else f"{path} "


class Checked(BaseModel):
    """A pydantic model whose constructors raise :class:`ProblemError` on bad input."""

    #: Fields of free prose (a reason, an explanation) that may hold line breaks and
    #: tabs; every other text field is one line. Set by the subclasses that have some.
    multiline_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Every text of every record, once and in one place: it must survive being
        written as UTF-8 (a lone surrogate, ``"\\ud800"`` in JSON, would otherwise be
        accepted and crash the output long after the input), and it holds no control
        character (U+0000-U+001F, U+007F-U+009F), which the spreadsheet export cannot
        store and a report would print raw. Tab and line breaks are allowed only in the
        ``multiline_fields`` of a record (a reason typed over several lines); a name, id
        or tag is one line. Runs before the records' own validators, so nothing such as
        stripping a tag can hide a control character first."""
        multiline = info.field_name in cls.multiline_fields
        unstorable = _UNSTORABLE_IN_PROSE if multiline else _UNSTORABLE
        if not _holds(value, unstorable):
            return value
        for path, text in _texts(value):  # name the first bad character and its place
            found = unstorable.search(text)
            if found is None:
                continue
            bad = found.group()
            if "\ud800" <= bad <= "\udfff":
                raise ValueError(
                    f"text holds {bad!r}, half of a surrogate pair, which no UTF-8 file "
                    "can store; fix the escape sequence"
                )
            raise ValueError(f"{_where(path)}contains a control character (U+{ord(bad):04X})")
        return value

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise ProblemError(
                issues_from_validation_error(error, data, _root(type(self)))
            ) from None

    # Pydantic calls a custom __init__ for every nested record too, which would turn a
    # nested field error into a ProblemError without its path. Marking this one as the
    # base __init__ (as pydantic marks its own) keeps nested validation in pydantic.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as error:
            raise ProblemError(issues_from_validation_error(error, obj, _root(cls))) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as error:
            raise ProblemError(issues_from_validation_error(error, None, _root(cls))) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_strings(obj, *args, **kwargs)
        except ValidationError as error:
            raise ProblemError(issues_from_validation_error(error, obj, _root(cls))) from None


_T = TypeVar("_T")


def cached_index(model: BaseModel, name: str, source: object, build: Callable[[], _T]) -> _T:
    """A lookup table derived from ``source`` (one of the model's lists), built once.

    Kept in the instance ``__dict__`` beside the fields, like ``functools.cached_property``:
    pydantic's equality, dumps and schema ignore it (a private attribute would make two
    equal problems compare unequal). It is stored with the list it indexes, so a copy
    with other records (``model_copy(update=...)``) rebuilds it instead of reusing it.
    """
    cached = model.__dict__.get(name)
    if cached is None or cached[0] is not source:
        cached = (source, build())
        model.__dict__[name] = cached
    result: _T = cached[1]
    return result


def _root(model: type[BaseModel]) -> str:
    """How a whole record of this type is named when the error has no field."""
    return model.__name__.lower()
