"""Uploads (item files, deal documents) whose multipart/form-data body cannot be read — no
boundary, an empty boundary, a body that is no multipart at all — get a 400 or 422 in the one error
format and store nothing. Found by fuzzing the API: no boundary was a 500 on both endpoints."""

from __future__ import annotations

import pytest

from tandem.sales import services as sales
from tandem.sales.models import DealDocument
from tandem.work.models import ItemFile
from tests.api.conftest import BASE, assert_error
from tests.conftest import bearer

BODIES = [
    ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="files"\r\n\r\nhi\r\n--x--\r\n'),
    ("multipart/form-data; boundary=", b"--\r\n"),
    ("multipart/form-data; charset=utf-8", b""),
    ("multipart/form-data; boundary=x", b"this is no multipart body"),
]


@pytest.fixture
def uploads(manager, member):
    pipeline = sales.create_pipeline(by=manager, name="Renewals", stages=[{"name": "Due"}])
    deal = sales.create_deal(by=member, pipeline=pipeline, title="Acme renewal")
    return [f"{BASE}/items/{deal.item.pk}/files", f"{BASE}/deals/{deal.pk}/documents/upload"]


@pytest.mark.parametrize(("content_type", "body"), BODIES, ids=[c for c, _ in BODIES])
def test_an_unreadable_multipart_body_is_refused_in_the_error_format(
    client, api_token_for, member, uploads, content_type, body
):
    for path in uploads:
        response = client.post(path, body, content_type=content_type, headers=bearer(api_token_for(member)))

        assert response.status_code in {400, 422}, (path, response.content)
        assert_error(
            response, response.status_code, "malformed_body" if response.status_code == 400 else "invalid"
        )
    assert not ItemFile.objects.exists()
    assert not DealDocument.objects.exists()
