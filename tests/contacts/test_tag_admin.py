"""Tags are configured in the admin through the contacts services: a tag made, changed or deleted
there writes a history row, the services' checks show on the form, and a role without the
permission can do none of it."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts import services
from tandem.contacts.models import Tag
from tandem.core.errors import InvalidInput, NotAllowed
from tests.conftest import login


def tag_history() -> list[tuple[str, str, dict]]:
    return [
        (entry.verb, entry.target_label, entry.changes)
        for entry in HistoryEntry.objects.filter(target_type="tag").order_by("id")
    ]


def test_a_tag_created_in_the_admin_is_recorded(admin_user):
    response = login(admin_user).post("/admin/contacts/tag/add/", {"name": " VIP ", "color": "#FF0000"})
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert (tag.name, tag.color) == ("VIP", "#ff0000")
    entry = HistoryEntry.objects.get(target_type="tag")
    assert (entry.verb, entry.target_id, entry.actor_id) == ("created", tag.pk, admin_user.pk)


def test_a_tag_changed_in_the_admin_is_recorded(admin_user, make_org):
    org = make_org(tags=["vip"])
    tag = Tag.objects.get()
    client = login(admin_user)
    response = client.post(
        f"/admin/contacts/tag/{tag.pk}/change/", {"name": "Key account", "color": "#6c757d"}
    )
    assert response.status_code == 302
    assert [t.name for t in org.tags.all()] == ["Key account"]
    assert tag_history() == [("updated", "Key account", {"name": ["vip", "Key account"]})]
    client.post(f"/admin/contacts/tag/{tag.pk}/change/", {"name": "Key account", "color": "#6c757d"})
    assert len(tag_history()) == 1  # nothing changed, nothing recorded


def test_a_tag_deleted_in_the_admin_is_recorded(admin_user, make_org):
    org = make_org(tags=["vip", "lead"])
    vip = Tag.objects.get(name="vip")
    client = login(admin_user)
    assert client.post(f"/admin/contacts/tag/{vip.pk}/delete/", {"post": "yes"}).status_code == 302
    assert [t.name for t in org.tags.all()] == ["lead"]
    assert tag_history() == [("deleted", "vip", {})]


def test_tags_deleted_together_in_the_admin_are_each_recorded(admin_user, make_org):
    make_org(tags=["vip", "lead", "partner"])
    chosen = list(Tag.objects.exclude(name="partner").values_list("pk", flat=True))
    response = login(admin_user).post(
        "/admin/contacts/tag/", {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["partner"]
    assert sorted(verb + " " + label for verb, label, _ in tag_history()) == ["deleted lead", "deleted vip"]


def test_the_admin_form_shows_the_services_refusals(admin_user, make_org):
    make_org(tags=["vip"])
    client = login(admin_user)
    same_name = client.post("/admin/contacts/tag/add/", {"name": "VIP", "color": "#6c757d"})
    assert same_name.status_code == 200
    assert "A tag with this name already exists." in same_name.content.decode()
    bad_colour = client.post("/admin/contacts/tag/add/", {"name": "Lead", "color": "red"})
    assert "A colour is written #rrggbb." in bad_colour.content.decode()
    assert Tag.objects.count() == 1 and tag_history() == []


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_a_role_without_the_permission_cannot_change_tags_in_the_admin(persona, request, make_org):
    make_org(tags=["vip"])
    tag = Tag.objects.get()
    client = login(request.getfixturevalue(persona))
    for url, data in (
        ("/admin/contacts/tag/add/", {"name": "Lead", "color": "#6c757d"}),
        (f"/admin/contacts/tag/{tag.pk}/change/", {"name": "Key account", "color": "#6c757d"}),
        (f"/admin/contacts/tag/{tag.pk}/delete/", {"post": "yes"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["vip"]
    assert tag_history() == []


def test_the_tag_services_check_the_role(member, guest, manager, make_org):
    make_org(tags=["vip"])
    tag = Tag.objects.get()
    with pytest.raises(NotAllowed):
        services.create_tag(by=guest, data={"name": "Lead"})
    with pytest.raises(NotAllowed):
        services.update_tag(tag, by=member, data={"name": "Key account"})
    with pytest.raises(NotAllowed):
        services.delete_tag(tag, by=member)
    assert tag_history() == []
    lead = services.create_tag(by=member, data={"name": "Lead"})  # whoever may tag a customer
    services.update_tag(lead, by=manager, data={"color": "#00AA00"})
    services.delete_tag(lead, by=manager)
    assert [(verb, label) for verb, label, _ in tag_history()] == [
        ("created", "Lead"),
        ("updated", "Lead"),
        ("deleted", "Lead"),
    ]
    with pytest.raises(InvalidInput):
        services.create_tag(by=member, data={"name": "VIP"})
    with pytest.raises(InvalidInput):
        services.create_tag(by=member, data={"name": "x" * 51})
