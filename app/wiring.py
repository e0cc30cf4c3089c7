"""The composition root: settings in, concrete providers and kits out.

``build_runtime(settings)`` runs once in the FastAPI lifespan, in each Celery worker process
and in the CLI. Tasks reach the result through ``get_runtime()``.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.bot.dialogue import Replies, load_replies
from app.bot.proactive import NoticeKit
from app.channels.adapters.registry import SenderRegistry, uniform
from app.channels.adapters.sandbox import SandboxSender
from app.config import Settings, get_settings
from app.db import make_engine, make_session_factory
from app.drafting.composer import load_frames
from app.drafting.guards import load_guard_rules
from app.drafting.llm_drafter import LLMDrafter, load_draft_prompt
from app.drafting.pipeline import DraftKit
from app.drafting.tone import load_tone_profiles
from app.errors import AppError
from app.kit import taskqueue
from app.knowledge.pipeline import KnowledgeKit, collection_name
from app.orders.ports import OrderProvider
from app.orders.registry import build_order_provider
from app.outbox.service import Claim
from app.providers.embeddings import CachedEmbedder, Embedder
from app.providers.llm import ChatModel
from app.providers.vector_store import VectorStore
from app.triage.llm_classifier import LLMIntentClassifier, load_prompt
from app.triage.pipeline import TriageKit
from app.triage.signals import load_signals
from app.triage.taxonomy import load_taxonomy
from app.triage.training import ensure_intent_model, ensure_sentiment_model
from app.triage.urgency import load_policy

log = logging.getLogger(__name__)


def limit_threads() -> None:
    """torch and numpy thread pools fight over small machines; one BLAS thread is faster."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    senders: SenderRegistry
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _orders: dict[str, OrderProvider] = field(default_factory=dict)

    @cached_property
    def embedder(self) -> Embedder:
        return build_embedder(self.settings)

    @cached_property
    def vector_store(self) -> VectorStore:
        cfg = self.settings.qdrant
        if cfg.url:
            from app.providers.qdrant import QdrantServerStore

            key = cfg.api_key.get_secret_value() if cfg.api_key else None
            return QdrantServerStore.connect(cfg.url, key, cfg.timeout_seconds)
        from app.providers.qdrant_edge import EdgeVectorStore

        return EdgeVectorStore(self.settings.qdrant_path)

    @cached_property
    def triage_kit(self) -> TriageKit:
        from app.providers.lingua_detector import LinguaDetector

        cfg = self.settings.triage
        taxonomy = load_taxonomy(cfg.taxonomy_path)
        models = self.settings.data_dir / "models"
        intent = ensure_intent_model(taxonomy, self.embedder, models / "intent")
        sentiment = ensure_sentiment_model(cfg.sentiment_examples, self.embedder,
                                           models / "sentiment")
        llm = (LLMIntentClassifier(self.chat, taxonomy, load_prompt(cfg.llm_prompt_path))
               if self.chat is not None and cfg.llm_mode != "off" else None)
        return TriageKit(self.embedder, intent, taxonomy.tag,
                         LinguaDetector(cfg.languages, cfg.language_min_confidence),
                         load_signals(cfg.signals_path), load_policy(cfg.policy_path),
                         cfg.intent_min_confidence, sentiment, cfg.sentiment_min_confidence,
                         llm, cfg.llm_mode)

    @cached_property
    def chat(self) -> ChatModel | None:
        """The configured OpenAI-compatible chat model, or None (no LLM: local models only)."""
        cfg = self.settings.llm
        if not cfg.base_url:
            return None
        from app.providers.openai_chat import OpenAICompatibleChat

        key = cfg.api_key.get_secret_value() if cfg.api_key else None
        return OpenAICompatibleChat(cfg.base_url, cfg.model, key, cfg.temperature,
                                    cfg.max_tokens, cfg.timeout_seconds, cfg.max_retries,
                                    cfg.structured_method, cfg.token_param)

    @cached_property
    def draft_kit(self) -> DraftKit:
        cfg = self.settings.drafting
        detector = self.triage_kit.detector
        llm = (LLMDrafter(self.chat, load_draft_prompt(cfg.llm_prompt_path))
               if self.chat is not None and cfg.use_llm else None)
        return DraftKit(load_tone_profiles(cfg.tone_dir), load_frames(cfg.frames_path),
                        cfg.brand, load_guard_rules(cfg.guards_path),
                        CachedEmbedder(self.embedder),
                        lambda text: detector.detect(text).code, llm, cfg.agent_language)

    @cached_property
    def bot_replies(self) -> Replies:
        return load_replies(self.settings.bot.replies_path)

    @cached_property
    def notice_kit(self) -> NoticeKit:
        kit = self.draft_kit
        return NoticeKit(self.bot_replies, kit.frames, kit.tones, kit.brand)

    def knowledge_kit(self, workspace_slug: str) -> KnowledgeKit:
        name = collection_name(self.settings.qdrant.collection_prefix, workspace_slug,
                               self.embedder.model_id)
        cfg = self.settings.knowledge
        return KnowledgeKit(self.embedder, self.vector_store, name, cfg.min_score, cfg.hybrid,
                            cfg.sparse_weight)

    def orders_for(self, workspace_slug: str) -> OrderProvider:
        """The workspace's order source (``settings.orders.provider``), made once and kept:
        a Shopify client remembers the rate-limit state between calls."""
        with self._lock:
            if workspace_slug not in self._orders:
                self._orders[workspace_slug] = build_order_provider(
                    self.settings.orders, self.session_factory, workspace_slug)
            return self._orders[workspace_slug]

    def close(self) -> None:
        """Release the vector store (local Qdrant holds a lock), order sources' HTTP clients
        and database connections."""
        store = self.__dict__.pop("vector_store", None)
        if store is not None and hasattr(store, "close"):
            store.close()
        for provider in self._orders.values():
            if hasattr(provider, "close"):
                provider.close()
        self.engine.dispose()

    def dispatch(self, claim: Claim) -> None:
        """Hand one outbox row to its task: in-process when eager (bound to this runtime),
        else to the broker."""
        task = taskqueue.celery_app.tasks[claim.task]
        kwargs = {**claim.payload, "outbox_id": claim.outbox_id}
        if not self.settings.tasks_eager:
            task.apply_async(kwargs=kwargs)
            return
        previous = getattr(_local, "runtime", None)
        _local.runtime = self
        try:
            task.apply(kwargs=kwargs)
        finally:
            _local.runtime = previous


EMBEDDERS = {
    "sentence_transformers": "app.providers.sentence_transformers:SentenceTransformerEmbedder",
    "use": "app.providers.use_embedder:UniversalSentenceEncoder",
    "e5": "app.providers.e5_embedder:E5SmallEmbedder",
}


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder: a registry keyed by provider name, imported on demand."""
    cfg = settings.embedding
    if cfg.provider not in EMBEDDERS:
        raise AppError(f"embedding.provider {cfg.provider!r} unknown; use one of "
                       f"{', '.join(EMBEDDERS)}", 500)
    module, name = EMBEDDERS[cfg.provider].split(":")
    factory = getattr(importlib.import_module(module), name)
    if cfg.provider == "sentence_transformers":
        return factory(cfg.model, cfg.batch_size)
    return factory(batch_size=cfg.batch_size)


def build_runtime(settings: Settings) -> Runtime:
    limit_threads()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, settings.database.echo)
    factory = make_session_factory(engine)
    taskqueue.configure(settings.celery.broker_url, settings.celery.result_backend)
    taskqueue.celery_app.loader.import_default_modules()
    return Runtime(settings, engine, factory, uniform(SandboxSender(factory)))


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()
_local = threading.local()  # the runtime an eager dispatch runs its task with


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def get_runtime() -> Runtime:
    """The process's runtime, built from get_settings() on first use (worker processes)."""
    global _runtime
    bound = getattr(_local, "runtime", None)
    if bound is not None:
        return bound
    with _runtime_lock:
        if _runtime is None:
            _runtime = build_runtime(get_settings())
        return _runtime
