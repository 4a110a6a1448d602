"""A whole number too large for the database's 64-bit integers, in any query or path parameter
or body field, is bad input: 422 naming the field, never a 500. Found by fuzzing the API
(`/api/v1/deals?pipeline=1756669429188438964305920` made the SQLite driver fail). Every integer
the API reads is bounded in its schema, which the OpenAPI document shows: the last test holds
every endpoint, including ones added later, to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import assert_error, error_fields

HUGE = 1756669429188438964305920

CASES = [
    ("/deals", {"pipeline": HUGE}, "pipeline"),
    ("/labels", {"board": HUGE}, "board"),
    ("/reports/funnel", {"pipeline": HUGE}, "pipeline"),
    ("/reports/funnel", {"pipeline": 1, "owner": HUGE}, "owner"),
    ("/reports/forecast", {"pipeline": HUGE}, "pipeline"),
    ("/reports/forecast", {"pipeline": 1, "owner": HUGE}, "owner"),
    ("/reports/outcomes", {"pipeline": HUGE}, "pipeline"),
    ("/reports/outcomes", {"pipeline": 1, "owner": HUGE}, "owner"),
    ("/reports/conversion", {"pipeline": HUGE}, "pipeline"),
    ("/reports/owners", {"pipeline": HUGE}, "pipeline"),
    ("/feeds/new-work", {"organization": HUGE}, "organization"),
    ("/boards/1/columns/1/items", {"limit": HUGE}, "limit"),
]


@pytest.mark.parametrize(("path", "params", "field"), CASES, ids=[f"{p} {f}" for p, _, f in CASES])
def test_a_huge_integer_in_a_query_is_422(api_as, member, path, params, field):
    response = api_as(member).get(path, params)

    assert_error(response, 422, "invalid")
    assert error_fields(response) == {field}


def _unbounded(schema: Any, components: dict[str, Any], where: str, seen: frozenset[str]) -> list[str]:
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else _unbounded(components[name], components, where, seen | {name})
    found = []
    if schema.get("type") == "integer" and "enum" not in schema:
        low, high = schema.get("minimum", schema.get("exclusiveMinimum")), schema.get("maximum")
        if high is None or high > 2**63 - 1 or low is None or low < -(2**63):
            found.append(where)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for part in schema.get(key, []):
            found += _unbounded(part, components, where, seen)
    for name, part in schema.get("properties", {}).items():
        found += _unbounded(part, components, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        found += _unbounded(schema.get(key), components, f"{where}[]", seen)
    return found


def test_every_integer_the_api_reads_is_bounded_in_the_openapi_document():
    document = Client().get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
                unbounded += _unbounded(parameter.get("schema"), components, where, frozenset())
            for kind, content in operation.get("requestBody", {}).get("content", {}).items():
                where = f"{method.upper()} {path} body ({kind})"
                unbounded += _unbounded(content.get("schema"), components, where, frozenset())
    assert unbounded == []
