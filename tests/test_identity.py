"""Phone numbers, emails and chat ids are normalised so a caller matches exactly."""

import pytest

from server.services.identity import looks_like_phone, name_key, normalise_phone


@pytest.mark.parametrize(
    "raw",
    ["+31 20 123 4567", "0031201234567", "020-1234567", "+31 (0)20 123 45 67", "020 123 45 67"],
)
def test_C1_dutch_formats_give_one_number(raw):
    assert normalise_phone(raw, "NL") == "+31201234567"


def test_C1_the_default_region_decides_national_numbers():
    assert normalise_phone("01 55 55 01 02", "FR") == "+33155550102"
    assert normalise_phone("0212 555 01 03", "TR") == "+902125550103"


def test_C1_hidden_or_empty_caller_id_has_no_number():
    assert normalise_phone("", "NL") is None
    assert normalise_phone("   ", "NL") is None
    assert normalise_phone(None, "NL") is None


def test_C1_a_number_the_library_cannot_place_still_matches_itself():
    assert normalise_phone("4711", "NL") == "4711"


def test_search_text_kinds():
    assert looks_like_phone("020-123 45 67") and looks_like_phone("+31 (20) 1234")
    assert not looks_like_phone("Sanne") and not looks_like_phone("12")
    assert name_key("  Ayşe   DEMİR ") == "ayşe demi̇r"
