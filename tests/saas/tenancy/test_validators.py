import pytest
from django.core.exceptions import ValidationError

from saas.tenancy.validators import (
    finess_key_is_valid,
    normalise_finess,
    validate_finess,
    validate_subdomain,
)


@pytest.mark.parametrize("finess", ["800000044", "750712184", "800 000 044", "600000103"])
def test_real_shaped_finess_numbers_are_accepted(finess):
    validate_finess(finess)


@pytest.mark.parametrize("finess", ["800000045", "750712185", "800000040"])
def test_finess_with_a_wrong_key_is_refused(finess):
    with pytest.raises(ValidationError) as error:
        validate_finess(finess)
    assert error.value.code == "finess_key"


@pytest.mark.parametrize("finess", ["80000004", "8000000444", "AB0000044", "2C0000014", ""])
def test_malformed_finess_is_refused(finess):
    with pytest.raises(ValidationError) as error:
        validate_finess(finess)
    assert error.value.code == "finess_format"


def test_corsican_finess_uses_2a_or_2b_and_is_checked():
    # 2A/2B are read as 20 for the key: 200000107 is Luhn-valid, so 2A0000107 and 2B0000107 are.
    assert finess_key_is_valid("2A0000107")
    assert finess_key_is_valid("2B0000107")
    validate_finess("2a0000107")
    with pytest.raises(ValidationError):
        validate_finess("2A0000108")


def test_normalise_finess_removes_spaces_and_upper_cases():
    assert normalise_finess(" 2a 000 001 4 ") == "2A0000014"


@pytest.mark.parametrize("subdomain", ["chu-amiens", "ght1", "a"])
def test_slug_subdomains_are_accepted(subdomain):
    validate_subdomain(subdomain)


@pytest.mark.parametrize(
    "subdomain", ["-chu", "chu-", "CHU", "chu_amiens", "chu.amiens", "é", "x" * 41]
)
def test_malformed_subdomains_are_refused(subdomain):
    with pytest.raises(ValidationError) as error:
        validate_subdomain(subdomain)
    assert error.value.code == "subdomain_format"


@pytest.mark.parametrize("subdomain", ["www", "api", "admin", "static", "reference"])
def test_reserved_subdomains_are_refused(subdomain):
    with pytest.raises(ValidationError) as error:
        validate_subdomain(subdomain)
    assert error.value.code == "subdomain_reserved"
