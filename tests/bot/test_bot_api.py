"""The bot API over the demo store: verify, answer in the customer's language with the
policy, hand off with the transcript, lock after three failures; and the public web chat."""

from __future__ import annotations

import pytest

from tests.conftest import authed_client


@pytest.fixture(scope="module")
def shop(kb_shop):
    return kb_shop


@pytest.fixture(scope="module")
def bot(sqlite_runtime):
    with authed_client(sqlite_runtime, "bot") as client:
        yield client


def _chat(bot, shop: str, *texts: str, language: str = "en") -> list[dict]:
    headers = {"X-Workspace": shop}
    started = bot.post("/v1/bot/sessions", json={"channel": "web_chat", "language": language},
                       headers=headers)
    assert started.status_code == 201, started.text
    sid = started.json()["id"]
    outs = []
    for text in texts:
        response = bot.post(f"/v1/bot/sessions/{sid}/messages", json={"text": text},
                            headers=headers)
        assert response.status_code == 200, response.text
        outs.append(response.json())
    return outs


def test_a_verified_customer_gets_the_status_and_the_policy_in_german(bot, shop):
    ask, answer = _chat(bot, shop, "Wo bleibt meine Bestellung #1057?",
                        "lukas.hoffmann@example.de", language="de")
    assert ask["reply"] == ("Vielen Dank. Zum Schutz Ihrer Daten nennen Sie mir bitte die "
                            "E-Mail-Adresse oder die Postleitzahl der Bestellung #1057.")
    assert ask["step"] == "awaiting_verification"
    text = answer["reply"]
    assert text.startswith("Ihre Bestellung #1057 verspätet sich: Sie ist bis zum zugesagten "
                           "Datum nicht angekommen. Sendungsnummer: ")
    assert "\n\nDazu gilt: " in text  # a sentence of the German knowledge base
    assert text.endswith("Kann ich sonst noch etwas für Sie prüfen?")
    assert answer["step"] == "open" and answer["handed_off"] is False


def test_nothing_is_learnt_about_an_order_without_verification(bot, shop):
    existing = _chat(bot, shop, "Status of #1093 please", "wrong@example.com")
    missing = _chat(bot, shop, "Status of #1999 please", "marcus.reed@example.com")
    assert [o["reply"].replace("#1093", "N") for o in existing] == [
        o["reply"].replace("#1999", "N") for o in missing]
    assert all("lost" not in o["reply"] for o in existing + missing)


def test_three_failures_lock_the_chat_and_the_agents_get_it(bot, shop, client):
    outs = _chat(bot, shop, "#1049", "a@example.com", "8000", "b@example.com",
                 "nicole.meier@example.ch")
    assert [o["step"] for o in outs] == ["awaiting_verification"] * 3 + ["locked", "locked"]
    assert outs[3]["handed_off"] is True
    assert "customs" not in outs[4]["reply"]
    timeline = client.get(f"/v1/conversations/{outs[3]['conversation_id']}",
                          headers={"X-Workspace": shop}).json()
    assert [(m["direction"], m["text"]) for m in timeline["messages"]][:3] == [
        ("inbound", "#1049"),
        ("outbound", "Thank you. To protect your privacy, please tell me the email address "
                     "or the postcode used for order #1049."),
        ("inbound", "a@example.com")]


def test_asking_for_a_person_hands_over_with_the_transcript(bot, shop, client):
    outs = _chat(bot, shop, "Where is my order?", "I want to talk to a real person please")
    handoff = outs[-1]
    assert handoff["step"] == "handed_off" and handoff["handed_off"] is True
    assert handoff["reply"].startswith("I am passing your question to a member of our team, "
                                       "who will see this whole chat.\n\nWhen to expect a "
                                       "reply: ")
    timeline = client.get(f"/v1/conversations/{handoff['conversation_id']}",
                          headers={"X-Workspace": shop}).json()
    assert [(m["direction"], m["author"]) for m in timeline["messages"]] == [
        ("inbound", None), ("outbound", "bot"), ("inbound", None), ("system", "bot")]
    assert timeline["messages"][2]["text"] == "I want to talk to a real person please"
    assert timeline["messages"][3]["text"] == (
        "The bot handed this chat over (intent contact_human: not for the bot). Its last "
        f"reply to the customer:\n\n{handoff['reply']}")


def test_only_bot_and_integration_keys_may_chat(sqlite_runtime, shop):
    with authed_client(sqlite_runtime, "agent") as agent:
        response = agent.post("/v1/bot/sessions", json={}, headers={"X-Workspace": shop})
    assert response.status_code == 403


def test_the_public_web_chat_needs_no_key_and_only_its_session_id(client, shop):
    from fastapi.testclient import TestClient

    anonymous = TestClient(client.app)
    page = anonymous.get(f"/chat?workspace={shop}")
    assert page.status_code == 200 and "frame-ancestors *" in page.headers[
        "content-security-policy"]
    started = anonymous.post("/chat/sessions", json={"workspace": shop, "language": "fr"})
    assert started.status_code == 201
    sid = started.json()["id"]
    reply = anonymous.post(f"/chat/sessions/{sid}/messages", json={"text": "LL-204415"})
    assert reply.json()["reply"] == (
        "Merci. Pour protéger vos données, indiquez-moi l'adresse e-mail ou le code postal "
        "utilisés pour la commande LL-204415.")
    assert anonymous.post("/chat/sessions/not-a-session/messages",
                          json={"text": "hi"}).status_code == 404


@pytest.mark.parametrize(("query", "accept", "language", "heading"), [
    ("", "de-AT,de;q=0.9,en;q=0.5", "de", "Hilfe zur Bestellung"),
    ("&lang=ja", "de-AT,de;q=0.9", "ja", "ご注文サポート"),      # asked beats the browser
    ("", "xx-YY, fr;q=0.4, it;q=0.8", "it", "Aiuto ordini"),     # by weight
    ("&lang=xx", "", "en", "Order help"),                         # unknown: English
])
def test_the_web_chat_page_speaks_the_visitors_language(client, shop, query, accept, language,
                                                        heading):
    page = client.get(f"/chat?workspace={shop}{query}", headers={"Accept-Language": accept})
    assert page.status_code == 200
    assert f"<strong>{heading}</strong>" in page.text and f'data-lang="{language}"' in page.text
