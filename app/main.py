"""The FastAPI application: routers, error handlers, body limits, and the lifespan that
builds the runtime, migrates the database and runs the outbox relay."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.bot.router import router as bot_router
from app.channels.router import router as messages_router
from app.config import Settings, get_settings
from app.conversations.router import router as customers_router
from app.errors import AppError
from app.kit.bodylimit import BodyLimitMiddleware
from app.kit.periodic import Every
from app.knowledge.router import router as knowledge_router
from app.outbox.relay import RelayThread
from app.review.router import analytics_router, audit_router
from app.review.router import router as review_router
from app.setup import prepare_database
from app.web.admin import PageError, page_error
from app.web.admin import router as admin_router
from app.web.chat import router as chat_router
from app.web.customers import router as web_customers_router
from app.web.evaluation import router as evaluation_router
from app.web.router import HERE as WEB_HERE
from app.web.router import SignIn
from app.web.router import router as web_router
from app.wiring import Runtime, build_runtime, set_runtime

log = logging.getLogger(__name__)
WEB_STATIC = WEB_HERE / "static"


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        rt = runtime or build_runtime(settings)
        set_runtime(rt)
        prepare_database(rt)
        app.state.runtime = rt
        app.state.relay = _start_relay(rt) if settings.api.run_relay else None
        notices = _start_notices(rt) if settings.api.run_relay and settings.tasks_eager else None
        yield
        if notices is not None:
            notices.stop()
        if app.state.relay is not None:
            app.state.relay.stop()
        if runtime is None:  # built here, so closed here
            rt.close()

    app = FastAPI(title="Omnireply", version=__version__, lifespan=lifespan,
                  description="Omnichannel support: ingest, triage, grounded drafts, review.")
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api.max_body_bytes)
    _add_error_handlers(app)
    app.include_router(messages_router)
    app.include_router(review_router)
    app.include_router(analytics_router)
    app.include_router(audit_router)
    app.include_router(knowledge_router)
    app.include_router(customers_router)
    app.include_router(web_router)
    app.include_router(web_customers_router)
    app.include_router(admin_router)
    app.include_router(evaluation_router)
    app.include_router(bot_router)
    app.include_router(chat_router)
    app.add_exception_handler(PageError, page_error)
    app.mount("/static", StaticFiles(directory=WEB_STATIC), name="static")
    app.add_api_route("/health", _health, methods=["GET"], tags=["health"])
    return app


def _health() -> dict:
    return {"status": "ok", "version": __version__}


def _start_relay(rt: Runtime) -> RelayThread:
    cfg = rt.settings.celery
    warmup = (lambda: (rt.triage_kit, rt.draft_kit)) if rt.settings.tasks_eager else None
    relay = RelayThread(rt.session_factory, rt.dispatch, cfg.relay_interval_seconds,
                        cfg.outbox_lease_seconds, cfg.outbox_max_attempts, warmup)
    relay.start()
    return relay


def _start_notices(rt: Runtime) -> Every:
    """Without a broker (no beat), proactive delay notices are looked for here."""
    from app.bot.tasks import notice_all

    every = Every("delay-notices", rt.settings.orders.notice_interval_minutes * 60.0,
                  lambda: notice_all(rt), first_after=60.0)
    every.start()
    return every


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SignIn)
    async def sign_in(_: Request, __: SignIn) -> RedirectResponse:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(exc.to_dict(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if message == "There was an error parsing the body":
            message = "the body is not valid UTF-8 JSON"
        return JSONResponse({"error": {"message": message}}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc.errors())

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": {"message": "internal error; nothing was changed"}},
                            status_code=500)


def _validation_response(errors) -> JSONResponse:
    if any(e.get("type") == "json_invalid" for e in errors):
        detail = next(e for e in errors if e.get("type") == "json_invalid")
        message = f"malformed JSON: {detail.get('ctx', {}).get('error', 'cannot parse body')}"
        return JSONResponse({"error": {"message": message}}, status_code=400)
    fields = [{"field": _field_name(e["loc"]), "message": e["msg"]} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return JSONResponse({"error": {"message": f"invalid request: {summary}", "fields": fields}},
                        status_code=422)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"
