"""The embeddable web chat: a page any visitor can open, talking to the order-status bot.

Visitors have no account: the chat's session id (a random token) is what lets a visitor
continue their own chat and nobody else's. The page may be framed by the shop's site.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.bot import service as bot_service
from app.bot.models import BotSession
from app.bot.router import converse, session_out
from app.bot.schemas import BotMessageIn, SessionIn, SessionOut
from app.deps import get_rt, get_session
from app.errors import not_found
from app.kit.channels import Channel
from app.web.router import CSP, _page
from app.wiring import Runtime
from app.workspaces import service as workspaces
from app.workspaces.models import Workspace

router = APIRouter(include_in_schema=False)
EMBEDDABLE = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")


class ChatStartIn(BaseModel):
    workspace: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, min_length=2, max_length=8)


@router.get("/chat")
def chat_page(request: Request, workspace: str | None = None, lang: str | None = None,
              session: Session = Depends(get_session),
              rt: Runtime = Depends(get_rt)) -> HTMLResponse:
    """The chat in ``lang``, else in the browser's preferred language the bot speaks."""
    ws = workspaces.get_by_slug(session, workspace or rt.settings.default_workspace)
    language = preferred_language(lang, request.headers.get("accept-language", ""),
                                  set(rt.bot_replies.languages))
    response = _page(request, "chat.html", {"workspace": ws.slug, "lang": language,
                                            "words": rt.bot_replies.get(language)["page"]})
    response.headers["Content-Security-Policy"] = EMBEDDABLE
    return response


def preferred_language(asked: str | None, accept_language: str, known: set[str]) -> str:
    """The first of ``asked`` and the Accept-Language header's languages (by weight) that
    is known; English otherwise."""
    weighted = []
    for n, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = params.strip().removeprefix("q=")
        try:
            q = float(weight) if params else 1.0
        except ValueError:
            q = 0.0
        weighted.append((-q, n, tag.strip()))
    tags = [asked or "", *(tag for _, _, tag in sorted(weighted))]
    return next((t[:2].lower() for t in tags if t[:2].lower() in known), "en")


@router.post("/chat/sessions", response_model=SessionOut, status_code=201)
def chat_start(body: ChatStartIn, session: Session = Depends(get_session),
               rt: Runtime = Depends(get_rt)):
    ws = workspaces.get_by_slug(session, body.workspace or rt.settings.default_workspace)
    bot = bot_service.start(session, ws.id, SessionIn(channel=Channel.WEB_CHAT,
                                                      language=body.language),
                            set(rt.bot_replies.languages))
    out = session_out(bot)
    session.commit()
    return out


@router.post("/chat/sessions/{session_id}/messages", response_model=SessionOut)
def chat_message(session_id: str, body: BotMessageIn, session: Session = Depends(get_session),
                 rt: Runtime = Depends(get_rt)):
    bot = session.get(BotSession, session_id)
    if bot is None or bot.channel != Channel.WEB_CHAT.value:
        raise not_found("chat", session_id)
    out = converse(session, session.get(Workspace, bot.workspace_id), session_id, body.text,
                   rt)
    session.commit()
    return out
