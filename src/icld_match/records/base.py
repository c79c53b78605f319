"""The base of every validated model: bad input raises ProblemError, never ValidationError.

Pydantic reports field errors as ``ValidationError`` and lets a ``ValueError`` raised in
a validator become one too. Users of icld-match should catch one exception whatever the
entry point (``Problem(...)``, ``Problem.model_validate``, ``..._json``), so the four
constructors are overridden here to translate, in one place. A wrap validator cannot do
it: ``ProblemError`` is a ``ValueError``, which pydantic would wrap again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from pydantic import BaseModel, ValidationError, field_validator

from .errors import ProblemError, issues_from_validation_error


class Checked(BaseModel):
    """A pydantic model whose constructors raise :class:`ProblemError` on bad input."""

    @field_validator("*", mode="after")
    @classmethod
    def _encodable_text(cls, value: Any) -> Any:
        """Text must survive being written as UTF-8: a lone surrogate (``"\\ud800"`` in
        JSON) would otherwise be accepted and crash the output long after the input."""
        texts: list[Any] = []
        if isinstance(value, str):
            texts = [value]
        elif isinstance(value, list):
            texts = [v for v in value if isinstance(v, str)]
        elif isinstance(value, dict):
            texts = [k for k in value if isinstance(k, str)]
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as error:
                bad = text[error.start : error.end]
                raise ValueError(
                    f"text holds {bad!r}, half of a surrogate pair, which no UTF-8 file "
                    "can store; fix the escape sequence"
                ) from None
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
