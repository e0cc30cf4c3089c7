"""The demo data is what the README promises: 30+ messages, 8+ channels, 5+ languages, and
customers who write on two channels end up in one conversation."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.conversations.models import Message
from app.demo.service import load_messages, seed_messages
from app.workspaces.models import Workspace


def test_demo_messages_cover_channels_and_languages(sqlite_runtime):
    messages = load_messages()
    assert len(messages) == 45
    assert len({m.channel for m in messages}) == 14
    detector = sqlite_runtime.triage_kit.detector
    languages = {detector.detect(m.text).code for m in messages} - {"und"}
    assert len(languages) >= 5


def test_seeding_threads_customers_across_channels(sqlite_runtime):
    factory = sqlite_runtime.session_factory
    created = seed_messages(factory, "demo-test", load_messages(), 20_000)
    assert created == 45
    assert seed_messages(factory, "demo-test", load_messages(), 20_000) == 0  # duplicates
    with factory() as session:
        workspace_id = session.scalar(select(Workspace.id).where(Workspace.slug == "demo-test"))
        rows = session.execute(select(Message.conversation_id, Message.channel)
                               .where(Message.workspace_id == workspace_id)).all()
    channels = defaultdict(set)
    for conversation_id, channel in rows:
        channels[conversation_id].add(channel)
    assert sum(1 for c in channels.values() if len(c) >= 2) >= 5
