"""The embeddable web chat in a real browser: a visitor asks where an order is, verifies with
the postcode and reads the status; customer text stays text."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shop(kb_shop):
    return kb_shop

def _say(page, text: str, turns: int) -> str:
    page.fill("#text", text)
    page.click("#send")
    reply = page.locator("#turns li.bot").nth(turns - 1)
    reply.wait_for(timeout=30_000)
    return reply.inner_text()


def test_a_visitor_verifies_and_reads_the_status(page, live_server, shop):
    page.goto(f"{live_server}/chat?workspace={shop}&lang=nl")
    assert page.locator("#chat header").inner_text() == (
        "Hulp bij bestellingen · vraag waar uw bestelling is")
    assert page.get_attribute("#text", "placeholder") == "Waar is mijn bestelling?"
    first = _say(page, "Waar blijft mijn bestelling LL-204430?", 1)
    assert first == ("Dank u. Om uw gegevens te beschermen: wat is het e-mailadres of de "
                     "postcode van bestelling LL-204430?")
    answer = _say(page, "1072ab", 2)
    assert answer.startswith("Uw bestelling LL-204430 is onderweg. Trackingnummer: ")
    assert page.locator("#turns li.customer").all_inner_texts() == [
        "Waar blijft mijn bestelling LL-204430?", "1072ab"]
    screenshot(page, "web-chat")


def test_customer_text_in_the_chat_is_never_markup(page, live_server, shop):
    page.goto(f"{live_server}/chat?workspace={shop}")
    hostile = '<img src=x onerror="document.title=\'pwned\'"> where is #1001'
    _say(page, hostile, 1)
    assert page.locator("#turns li.customer").first.inner_text() == hostile
    assert page.locator("#turns img").count() == 0
    assert page.title() != "pwned"
