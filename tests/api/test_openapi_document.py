"""The OpenAPI 3.1 document is served without a token, names the API, documents bearer auth and
lists every endpoint; the interactive docs page is served too."""

from __future__ import annotations

from django.test import Client

EXPECTED = {
    "/api/v1/organizations": {"get", "post"},
    "/api/v1/organizations/{id}": {"get", "patch"},
    "/api/v1/organizations/{id}/archive": {"post"},
    "/api/v1/organizations/{id}/restore": {"post"},
    "/api/v1/organizations/{id}/merge": {"post"},
    "/api/v1/organizations/{id}/people": {"get"},
    "/api/v1/organizations/{id}/history": {"get"},
    "/api/v1/organizations/{id}/timeline": {"get"},
    "/api/v1/people": {"get", "post"},
    "/api/v1/people/{id}": {"get", "patch"},
    "/api/v1/people/{id}/archive": {"post"},
    "/api/v1/people/{id}/restore": {"post"},
    "/api/v1/people/{id}/merge": {"post"},
    "/api/v1/people/{id}/history": {"get"},
    "/api/v1/users": {"get"},
    "/api/v1/users/{id}": {"get"},
    "/api/v1/teams": {"get"},
    "/api/v1/me": {"get"},
    "/api/v1/tokens": {"get", "post"},
    "/api/v1/tokens/{id}": {"delete"},
    "/api/v1/boards": {"get", "post"},
    "/api/v1/boards/{id}": {"get", "patch"},
    "/api/v1/boards/{id}/archive": {"post"},
    "/api/v1/boards/{id}/restore": {"post"},
    "/api/v1/boards/{id}/columns": {"get", "post"},
    "/api/v1/boards/{id}/columns/{column_id}": {"patch", "delete"},
    "/api/v1/boards/{id}/columns/{column_id}/items": {"get"},
    "/api/v1/labels": {"get", "post"},
    "/api/v1/labels/{id}": {"patch", "delete"},
    "/api/v1/items": {"get", "post"},
    "/api/v1/items/bulk": {"post"},
    "/api/v1/items/{id}": {"get", "patch"},
    "/api/v1/items/{id}/move": {"post"},
    "/api/v1/items/{id}/close": {"post"},
    "/api/v1/items/{id}/reopen": {"post"},
    "/api/v1/items/{id}/links": {"get", "post"},
    "/api/v1/items/{id}/links/{link_id}": {"delete"},
    "/api/v1/items/{id}/comments": {"get", "post"},
    "/api/v1/items/{id}/comments/{comment_id}": {"patch", "delete"},
    "/api/v1/items/{id}/history": {"get"},
    "/api/v1/items/{id}/files": {"get", "post"},
    "/api/v1/items/{id}/files/{file_id}": {"get", "delete"},
    "/api/v1/mail/addresses": {"get", "post"},
    "/api/v1/mail/addresses/{id}": {"patch", "delete"},
    "/api/v1/mail/messages": {"get"},
    "/api/v1/mail/messages/{id}": {"get"},
    "/api/v1/mail/messages/{id}/reprocess": {"post"},
    "/api/v1/mail/messages/{id}/raw": {"get"},
    "/api/v1/mail/replies": {"get", "post"},
    "/api/v1/mail/replies/recipients": {"get"},
    "/api/v1/pipelines": {"get", "post"},
    "/api/v1/pipelines/{id}": {"get", "patch"},
    "/api/v1/pipelines/{id}/stages": {"post"},
    "/api/v1/pipelines/{id}/stages/{stage_id}": {"patch", "delete"},
    "/api/v1/leads": {"get", "post"},
    "/api/v1/leads/{id}/qualify": {"post"},
    "/api/v1/leads/{id}/disqualify": {"post"},
    "/api/v1/deals": {"get", "post"},
    "/api/v1/deals/{id}": {"get", "patch"},
    "/api/v1/deals/{id}/stage": {"post"},
    "/api/v1/deals/{id}/contacts": {"post"},
    "/api/v1/deals/{id}/contacts/{person_id}": {"delete"},
    "/api/v1/deals/{id}/checklist": {"post"},
    "/api/v1/deals/{id}/documents": {"post"},
    "/api/v1/deals/{id}/documents/upload": {"post"},
    "/api/v1/deals/{id}/win": {"post"},
    "/api/v1/deals/{id}/lose": {"post"},
    "/api/v1/reports/funnel": {"get"},
    "/api/v1/reports/forecast": {"get"},
    "/api/v1/reports/outcomes": {"get"},
    "/api/v1/reports/conversion": {"get"},
    "/api/v1/reports/owners": {"get"},
    "/api/v1/feeds/home": {"get"},
    "/api/v1/notifications": {"get"},
    "/api/v1/notifications/preferences": {"get", "patch"},
    "/api/v1/notifications/read-all": {"post"},
    "/api/v1/notifications/{id}/read": {"post"},
    "/api/v1/feeds/new-work": {"get"},
    "/api/v1/feeds/boards/{id}": {"get"},
    "/api/v1/feeds/teams/{id}": {"get"},
    "/api/v1/calendars": {"get", "post"},
    "/api/v1/calendars/{id}": {"get", "patch", "delete"},
    "/api/v1/calendars/{id}/import": {"post"},
    "/api/v1/events": {"get", "post"},
    "/api/v1/events/{id}": {"get", "patch", "delete"},
    "/api/v1/events/{id}/respond": {"post"},
    "/api/v1/freebusy": {"get"},
    "/api/v1/rituals": {"get"},
    "/api/v1/rituals/{id}/review": {"get"},
    "/api/v1/rituals/{id}/minutes": {"put"},
    "/api/v1/rituals/{id}/minutes/convert": {"post"},
    "/api/v1/calendar-accounts": {"get", "post"},
    "/api/v1/calendar-accounts/{id}": {"get", "patch", "delete"},
    "/api/v1/calendar-accounts/{id}/sync": {"post"},
}


def test_openapi_document_lists_every_endpoint() -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] == "Tandem API"
    assert {path: set(ops) for path, ops in document["paths"].items()} == EXPECTED


def test_every_endpoint_requires_the_bearer_token_and_documents_errors() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"BearerToken": []}], (method, path)
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }


def test_edits_document_if_match() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    patch = document["paths"]["/api/v1/organizations/{id}"]["patch"]
    assert {"in": "header", "name": "If-Match"}.items() <= next(
        p for p in patch["parameters"] if p["name"] == "If-Match"
    ).items()
    assert {"409", "412", "428"} <= set(patch["responses"])


def test_interactive_docs_are_served() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
