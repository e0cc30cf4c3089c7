"""The bot API for chat channels and the web chat: start a session, send it messages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from app.bot import service
from app.bot.kit import bot_kit
from app.bot.models import BotSession
from app.bot.schemas import BotMessageIn, SessionIn, SessionOut
from app.deps import commit, get_rt, get_session, get_workspace, require
from app.wiring import Runtime
from app.workspaces.models import Workspace

router = APIRouter(prefix="/v1/bot", tags=["bot"],
                   dependencies=[Depends(require("bot", "integration", "admin"))])


@router.post("/sessions", response_model=SessionOut, status_code=201)
def start_session(body: SessionIn, request: Request, session: Session = Depends(get_session),
                  workspace: Workspace = Depends(get_workspace),
                  rt: Runtime = Depends(get_rt)):
    """A new chat with the order-status bot (its id is the chat's secret)."""
    bot = service.start(session, workspace.id, body, set(rt.bot_replies.languages))
    out = session_out(bot)
    commit(request, session)
    return out


@router.get("/sessions/{session_id}", response_model=SessionOut)
def get_session_state(session_id: str, session: Session = Depends(get_session),
                      workspace: Workspace = Depends(get_workspace)):
    """The session's state and whole transcript."""
    return session_out(service.get(session, workspace.id, session_id), transcript=True)


@router.post("/sessions/{session_id}/messages", response_model=SessionOut)
def send_message(session_id: str, body: BotMessageIn, request: Request,
                 session: Session = Depends(get_session),
                 workspace: Workspace = Depends(get_workspace),
                 rt: Runtime = Depends(get_rt)):
    """The customer's message in, the bot's reply and the session's state out. After a
    hand-off the reply is empty: the message went to the agents."""
    out = converse(session, workspace, session_id, body.text, rt)
    commit(request, session)
    return out


def converse(session: Session, workspace: Workspace, session_id: str, text: str,
             rt: Runtime) -> SessionOut:
    """One customer message through the bot (shared with the public web chat)."""
    bot = service.get(session, workspace.id, session_id)
    kit = bot_kit(rt.bot_replies, rt.orders_for(workspace.slug), rt.triage_kit,
                  rt.knowledge_kit(workspace.slug), bot.channel, bot.market,
                  rt.settings.bot.max_failures)
    bot, turn = service.post(session, workspace.id, session_id, text, kit,
                             rt.settings.api.max_text_chars)
    return session_out(bot, reply=turn.reply)


def session_out(bot: BotSession, reply: str | None = None,
                transcript: bool = False) -> SessionOut:
    state = service.state_of(bot)
    return SessionOut(id=bot.id, channel=bot.channel, language=state.language,
                      step=state.step, handed_off=bot.conversation_id is not None,
                      conversation_id=bot.conversation_id, reply=reply,
                      transcript=bot.transcript if transcript else [])
