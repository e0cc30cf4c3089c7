from __future__ import annotations

from app.conversations.identity import identities_for, normalize_phone


def test_phone_numbers_normalise_to_one_form():
    assert normalize_phone("+49 151 1234-5678") == "+4915112345678"
    assert normalize_phone("0049 151 12345678") == "+4915112345678"


def test_identities_from_each_kind_of_channel():
    assert identities_for("email", "Claire@Example.FR", None, None) == [
        ("email", "claire@example.fr")]
    assert identities_for("whatsapp", "+49 151 12345678", None, None) == [
        ("whatsapp", "+4915112345678"), ("phone", "+4915112345678")]
    assert identities_for("amazon", "amzn-buyer-1", "A@B.de", "+44 7700 900123") == [
        ("amazon", "amzn-buyer-1"), ("email", "a@b.de"), ("phone", "+447700900123")]
    assert identities_for("instagram", "@sofi.mtz", None, None) == [("instagram", "@sofi.mtz")]
