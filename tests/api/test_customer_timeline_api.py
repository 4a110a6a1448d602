"""The customer timeline through the API: 30 at a time with a cursor to the next page."""

from __future__ import annotations

from tandem.contacts import services as contacts


def test_the_api_pages_through_a_customer_timeline(api_as, member, make_org):
    acme = make_org("Acme")
    for n in range(35):
        contacts.update_organization(acme, by=member, version=acme.version, data={"industry": f"Kind {n}"})
        acme.refresh_from_db()
    api = api_as(member)
    first = api.get(f"/organizations/{acme.pk}/timeline").json()
    assert len(first["items"]) == 30 and first["next"]
    assert (
        first["items"][0]["summary"] == "changed industry"
        and first["items"][0]["target_type"] == "organization"
    )
    rest = api.get(f"/organizations/{acme.pk}/timeline", {"before": first["next"]}).json()
    assert rest["next"] is None and len(rest["items"]) == 6  # 35 edits and the creation
    assert {e["id"] for e in first["items"]}.isdisjoint(e["id"] for e in rest["items"])
    assert api.get(f"/organizations/{acme.pk}/timeline", {"before": "soon"}).status_code == 422
    assert api.get("/organizations/999999/timeline").status_code == 404
