"""What produced a run: model ids, prompt and taxonomy versions, the knowledge base's
documents (a hash of their ids and versions) and the git commit when there is one."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from app.drafting.pipeline import DraftKit
from app.knowledge.pipeline import KnowledgeKit
from app.triage.pipeline import TriageKit


def triage_versions(kit: TriageKit) -> dict:
    return {"intent_model": kit.classifier.model_id, "taxonomy": kit.taxonomy_tag,
            "sentiment_model": kit.sentiment_model.model_id if kit.sentiment_model else None,
            "signals": f"signals@{kit.signals.version}",
            "intent_llm": kit.llm.model_id if kit.llm else None,
            "intent_llm_mode": kit.llm_mode if kit.llm else None,
            "embedding_model": kit.embedder.model_id}


def drafting_versions(kit: DraftKit) -> dict:
    llm = kit.llm
    return {"frames": kit.frames.tag, "guards": kit.rules.tag,
            "tone": sorted(t.tag for t in kit.tones.values()),
            "draft_llm": f"{llm.model_id}+{llm.prompt.tag}" if llm
            else None}


def knowledge_versions(kit: KnowledgeKit) -> dict:
    """The indexed documents as a short hash of sorted ``doc_id@version`` pairs."""
    doc_ids = kit.store.inventory(kit.collection, "doc_id")
    versions = kit.store.inventory(kit.collection, "version")
    pairs = sorted({f"{doc_ids[p]}@{versions.get(p)}" for p in doc_ids})
    digest = hashlib.sha256("\n".join(pairs).encode()).hexdigest()[:16]
    return {"kb_collection": kit.collection, "kb_documents": len({doc_ids[p] for p in doc_ids}),
            "kb_hash": digest, "embedding_model": kit.embedder.model_id}


def git_commit(root: Path) -> str | None:
    """HEAD's commit, with ``+dirty`` when the tree has changes; None outside a checkout."""
    try:
        head = _git(root, "rev-parse", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty" if dirty else "")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True, timeout=10).stdout.strip()
