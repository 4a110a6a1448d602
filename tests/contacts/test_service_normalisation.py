import pytest

from tandem.contacts.normalize import normalize_phone, normalize_website, organization_name_key
from tandem.core.errors import InvalidInput


def test_organization_website_and_name_are_normalised(make_org):
    org = make_org("ACME, Inc.", website="www.Acme.example")
    assert org.domain == "acme.example"
    assert org.website == "https://www.Acme.example"
    assert org.name_key == "acme"


@pytest.mark.parametrize(
    ("name", "key"),
    [("ACME, Inc.", "acme"), ("Müller GmbH", "müller"), ("شرکت نوآوران", "شرکت نوآوران"), ("Co", "co")],
)
def test_organization_name_key(name, key):
    assert organization_name_key(name) == key


def test_phone_numbers_are_stored_in_e164_and_shown_internationally():
    assert normalize_phone("(202) 555-0143", "US") == ("+1 202-555-0143", "+12025550143")
    assert normalize_phone("+98 912 345 6789")[1] == "+989123456789"


@pytest.mark.parametrize("bad", ["12", "not a phone", "+1 555", "9" * 41])
def test_bad_phone_is_refused(bad):
    with pytest.raises(ValueError):
        normalize_phone(bad, "US")


def test_bad_website_is_refused():
    with pytest.raises(ValueError):
        normalize_website("http://exa mple")


def test_person_emails_are_lowercased_deduplicated_and_one_is_primary(make_person):
    person = make_person(
        emails=[{"email": "Ada@Example.COM"}, {"email": "ada@example.com"}, {"email": "ada@home.example"}],
        phones=[{"number": "+44 20 7946 0958"}],
    )
    emails = list(person.emails.order_by("id").values_list("email", "is_primary"))
    assert emails == [("ada@example.com", True), ("ada@home.example", False)]
    assert person.phones.get().e164 == "+442079460958"


def test_invalid_email_writes_nothing(member):
    from tandem.contacts.models import Person
    from tandem.contacts.services import create_person

    with pytest.raises(InvalidInput) as error:
        create_person(by=member, data={"last_name": "X", "emails": [{"email": "not-an-email"}]})
    assert error.value.field == "emails"
    assert Person.objects.count() == 0
