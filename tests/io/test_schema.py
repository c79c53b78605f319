"""The JSON Schemas other systems read: one per file format, complete and self-describing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from icld_match.cli import SCHEMA_NAMES as CLI_SCHEMA_NAMES
from icld_match.io.json_files import (
    SCHEMA_DIALECT,
    SCHEMA_NAMES,
    json_schema,
    json_schema_of,
    schema_document,
)


def _objects(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON object of the schema with the path to it, depth first."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{path}/{i}")


def test_the_cli_and_the_library_offer_the_same_schemas() -> None:
    assert CLI_SCHEMA_NAMES == SCHEMA_NAMES


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_each_schema_is_a_draft_2020_12_document_with_a_stable_id(name: str) -> None:
    document = json.loads(json_schema_of(name))
    assert document["$schema"] == SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"urn:icld-match:schema:{name}:1"
    assert document["description"]
    refs = [n["$ref"] for _, n in _objects(document, "#") if isinstance(n.get("$ref"), str)]
    for ref in refs:  # every reference resolves inside the document
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in document["$defs"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_of_every_record_is_described(name: str) -> None:
    document = schema_document(name)
    missing = [
        f"{path}/{prop}"
        for path, node in _objects(document, "#")
        if isinstance(node.get("properties"), dict) and path.split("/")[-1] != "properties"
        for prop, spec in node["properties"].items()
        if not spec.get("description")
    ]
    assert missing == []
    records = [document, *document.get("$defs", {}).values()]
    assert all(r.get("description") for r in records if r.get("type") == "object")


def test_the_changes_schema_covers_every_kind_of_change() -> None:
    document = schema_document("changes")
    assert document["type"] == "array"
    kinds = {
        d["properties"]["kind"]["const"]
        for d in document["$defs"].values()
        if "kind" in d.get("properties", {})
    }
    assert kinds == {
        "dropout",
        "add_participant",
        "host_cancels",
        "set_capacity",
        "force",
        "forbid",
    }


def test_the_combined_schema_keeps_its_shape() -> None:
    combined = json.loads(json_schema())
    assert set(combined) == {"problem", "allocation"}
    assert combined["problem"] == schema_document("problem")


def test_an_unknown_schema_name_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        schema_document("nope")
