"""One spelling per country and language, and "did you mean" for mistyped ids.

Country mix and language matching compare strings, so ``Kenya``, ``kenya `` and ``KE``
must become one country and ``English`` the tag ``en`` before the planner sees them, or a
team of three Kenyans counts as three countries. Pure functions over pycountry's ISO 3166
and ISO 639 tables, plus the spellings ICLD's partners use that ISO lacks (Kosovo, which
has no ISO 3166 code and uses ``XK``; Turkey; Kiswahili). Unknown values are returned as
typed (stripped), with ``None`` as the canonical form, so callers decide whether to warn.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cache

__all__ = [
    "canonical_country",
    "canonical_language",
    "did_you_mean",
    "normalise_country",
    "normalise_languages",
]

#: Spellings ISO lacks or words differently, folded, mapped to the canonical name.
_COUNTRY_ALIASES = {
    "kosovo": "Kosovo",
    "xk": "Kosovo",
    "xkx": "Kosovo",
    "republic of kosovo": "Kosovo",
    "turkey": "Türkiye",
    "turkiye": "Türkiye",
    "macedonia": "North Macedonia",
    "republic of macedonia": "North Macedonia",
    "bosnia": "Bosnia and Herzegovina",
    "bosnia & herzegovina": "Bosnia and Herzegovina",
    "bih": "Bosnia and Herzegovina",
    "tanzania": "Tanzania",
    "moldova": "Moldova",
    "uk": "United Kingdom",
    "usa": "United States",
    "drc": "Congo, The Democratic Republic of the",
}

#: Language names used in ICLD's partner countries that ISO 639 spells otherwise.
_LANGUAGE_ALIASES = {
    "kiswahili": "sw",
    "swahili": "sw",
    "bahasa indonesia": "id",
    "bahasa": "id",
    "setswana": "tn",
    "luganda": "lg",
    "ganda": "lg",
    "isizulu": "zu",
    "isixhosa": "xh",
    "sesotho": "st",
    "chichewa": "ny",
    "nyanja": "ny",
    "moldovan": "ro",
    "bcs": "sh",
    "serbo-croatian": "sh",
    "farsi": "fa",
}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _countries() -> dict[str, str]:
    """Folded alpha-2, alpha-3, name, common and official name -> canonical display name."""
    import pycountry

    table: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for key in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            value = getattr(country, key, None)
            if value:
                table[_fold(value)] = canonical
    table.update(_COUNTRY_ALIASES)
    return table


@cache
def _languages() -> dict[str, str]:
    """Folded ISO 639-1/-2/-3 codes and English names -> ISO 639-1 code (where one exists)."""
    import pycountry

    table: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        names = [language.name, language.name.split(" (")[0]]
        for value in [code, language.alpha_3, getattr(language, "bibliographic", None), *names]:
            if value:
                table.setdefault(_fold(value), code)
    table.update(_LANGUAGE_ALIASES)
    return table


def canonical_country(text: str) -> str | None:
    """The one display name for a country name or ISO code (``KE`` -> ``Kenya``), else None."""
    return _countries().get(_fold(text))


def normalise_country(text: str) -> str:
    """The canonical name when known, else the text as typed without outer spaces."""
    return canonical_country(text) or text.strip()


def canonical_language(text: str) -> str | None:
    """The ISO 639-1 code for a language name or code (``English`` -> ``en``), else None."""
    folded = _fold(text).replace("_", "-")
    table = _languages()
    if folded in table:
        return table[folded]
    base = folded.split("-")[0]  # a regional tag such as en-GB works in English
    return table.get(base) if base != folded and len(base) in (2, 3) else None


def normalise_languages(tags: Iterable[str]) -> tuple[list[str], list[str]]:
    """ISO 639-1 codes for ``tags``, duplicates dropped; and the tags not recognised.

    Unknown tags are kept (lower-cased) so a house tag such as ``plain-swedish`` still works;
    the caller warns about them.
    """
    codes: list[str] = []
    unknown: list[str] = []
    for tag in tags:
        code = canonical_language(tag)
        if code is None:
            code = _fold(tag)
            unknown.append(tag.strip())
        if code not in codes:
            codes.append(code)
    return codes, unknown


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The known id closest to a mistyped one (same letters ignoring case first), else None."""
    candidates = list(known)
    folded = {_fold(c): c for c in candidates}
    if _fold(name) in folded:
        return folded[_fold(name)]
    close = difflib.get_close_matches(_fold(name), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None
