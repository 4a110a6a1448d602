import pytest

from tandem.contacts.models import Organization, Person
from tandem.contacts.services import create_organization, create_person
from tandem.core.errors import PossibleDuplicate


def test_same_domain_is_a_possible_duplicate(member, make_org):
    existing = make_org("Globex", website="https://globex.example")
    with pytest.raises(PossibleDuplicate) as error:
        create_organization(
            by=member, data={"name": "Globex Corporation", "website": "www.globex.example/about"}
        )
    matches = error.value.extra["duplicates"]
    assert [m["id"] for m in matches] == [existing.pk]
    assert "same web domain" in matches[0]["reasons"]
    assert Organization.objects.count() == 1


def test_same_name_ignoring_legal_suffix_is_a_possible_duplicate(member, make_org):
    make_org("Initech")
    with pytest.raises(PossibleDuplicate):
        create_organization(by=member, data={"name": "INITECH, LLC"})


def test_saving_anyway_creates_the_second_record(member, make_org):
    make_org("Initech")
    create_organization(by=member, data={"name": "Initech"}, allow_duplicate=True)
    assert Organization.objects.filter(name="Initech").count() == 2


def test_person_with_same_email_or_phone_is_a_possible_duplicate(member, make_person):
    existing = make_person(
        "Grace", "Hopper", emails=[{"email": "grace@navy.example"}], phones=[{"number": "+1 202 555 0143"}]
    )
    with pytest.raises(PossibleDuplicate) as by_email:
        create_person(by=member, data={"last_name": "G. Hopper", "emails": [{"email": "GRACE@navy.example"}]})
    assert by_email.value.extra["duplicates"][0]["id"] == existing.pk
    with pytest.raises(PossibleDuplicate) as by_phone:
        create_person(by=member, data={"last_name": "Someone", "phones": [{"number": "(202) 555-0143"}]})
    assert by_phone.value.extra["duplicates"][0]["reasons"] == ["same phone"]
    assert Person.objects.count() == 1


def test_different_people_are_not_flagged(member, make_person):
    make_person("Grace", "Hopper", emails=[{"email": "grace@navy.example"}])
    person = create_person(by=member, data={"first_name": "Alan", "last_name": "Turing"})
    assert person.pk is not None
