from tandem.contacts.models import Organization


def test_create_organization_normalises_website(make_org):
    org = make_org("ACME, Inc.", website="www.Acme.example")
    assert org.domain == "acme.example"
    assert org.name_key == "acme"
    assert Organization.objects.get(pk=org.pk).website == "https://www.Acme.example"
