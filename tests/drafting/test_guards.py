"""Guards per channel: what is repaired, what remains a violation."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.drafting.guards import check
from app.drafting.length import sms_segments, x_weighted
from app.drafting.tone import load_tone_profiles

TONES = load_tone_profiles(PROJECT_ROOT / "prompts" / "tone")


def test_every_channel_has_a_tone_profile():
    assert sorted(TONES) == sorted([
        "amazon", "ebay", "shopee", "tiktok_shop", "shopify_chat", "web_chat", "email",
        "facebook", "instagram", "whatsapp", "sms", "line", "telegram", "x"])


def test_amazon_removes_outside_links_and_contact_details_but_keeps_the_order_id():
    text = ("Your order 302-4817265-7731049 ships today. Track it at https://tracking.example/a.\n"
            "Call +49 30 1234 5678. Or write to help@shop.example. Thanks!")
    result = check(text, TONES["amazon"], order_id="302-4817265-7731049")
    assert result.text == "Your order 302-4817265-7731049 ships today.\nThanks!"
    assert [(r.rule, r.detail) for r in result.repairs] == [
        ("links", "link removed (1)"), ("contact_details", "email address removed (1)"),
        ("contact_details", "phone number removed (1)")]
    assert result.violations == []


def test_amazon_keeps_links_to_amazon_itself():
    result = check("Open https://www.amazon.de/gp/your-orders", TONES["amazon"])
    assert result.text == "Open https://www.amazon.de/gp/your-orders"
    assert result.repairs == []


def test_public_reply_that_names_the_order_is_a_violation():
    result = check("About order #1063: sorry!", TONES["instagram"], public=True,
                   order_id="#1063")
    assert [(v.rule, v.detail) for v in result.violations] == [
        ("public_order_details", "a public reply names the order")]


def test_over_length_is_a_remaining_violation():
    result = check("a" * 1001, TONES["instagram"])
    assert [(v.rule, v.detail) for v in result.violations] == [
        ("length", "1001 chars over the limit of 1000")]


@pytest.mark.parametrize(("text", "segments"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("ü" * 160, 1),            # ü is in GSM-7
    ("ł" * 70, 1), ("ł" * 71, 2), ("ł" * 134, 2), ("ł" * 135, 3),
    ("€" * 80, 1), ("€" * 81, 2),  # € takes two GSM-7 units
])
def test_sms_segments(text, segments):
    assert sms_segments(text) == segments


@pytest.mark.parametrize(("text", "weight"), [
    ("hello", 5), ("こんにちは", 10), ("hi 👋", 5),
    ("see https://example.com/a/very/long/path/that/is/long ok", 4 + 23 + 3),
])
def test_x_weighted_length(text, weight):
    assert x_weighted(text) == weight


def test_sms_profile_counts_segments():
    assert TONES["sms"].unit == "gsm_segments" and TONES["sms"].limit == 2
    assert TONES["x"].unit == "x_weighted" and TONES["x"].limit == 280


def test_tone_profiles_cover_nine_languages():
    for profile in TONES.values():
        assert set(profile.greeting) >= {"en", "de", "fr", "es", "it", "pt", "nl", "ja", "zh"}
