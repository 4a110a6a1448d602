from django.core.cache import cache
from django.test import override_settings

from tandem.contacts.models import Organization
from tandem.core.counting import count_rows


@override_settings(TANDEM_LARGE_COUNT=3)
def test_large_counts_are_kept_for_a_while_small_ones_never(make_org):
    cache.clear()
    for name in ("A", "B"):
        make_org(name)
    small = Organization.objects.filter(archived_at__isnull=True)
    assert count_rows(small) == 2
    make_org("C")
    assert count_rows(small) == 3  # small: counted again, exactly
    make_org("D")
    assert count_rows(small) == 3  # now large: the cached total is shown for the TTL
    cache.clear()
    assert count_rows(small) == 4


@override_settings(TANDEM_LARGE_COUNT=1)
def test_different_filters_have_different_counts(make_org):
    cache.clear()
    make_org("Alpha")
    make_org("Beta")
    assert count_rows(Organization.objects.filter(name="Alpha")) == 1
    assert count_rows(Organization.objects.all()) == 2
