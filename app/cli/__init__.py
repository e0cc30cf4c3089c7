"""The omnireply command: serve, worker, batch CLIs of CONTRACT.md, knowledge base, demo.

Each group of commands lives in its own module and registers itself on ``app``.
"""

from app.cli import (  # noqa: F401 (registers)
    accounts,
    bot,
    drafting,
    evaluation,
    knowledge,
    orders,
    run,
    triage,
)
from app.cli.base import app, main

__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
