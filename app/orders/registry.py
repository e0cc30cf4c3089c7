"""Build the configured order source: ``demo`` (the embedded demo store, default) or
``shopify`` (the Admin GraphQL API). Keyed by ``OrderSource``; imported on demand."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from app.config import OrdersSettings
from app.errors import AppError
from app.orders.ports import OrderProvider


class OrderSource(StrEnum):
    DEMO = "demo"
    SHOPIFY = "shopify"


def build_order_provider(settings: OrdersSettings, factory: sessionmaker[Session],
                         workspace_slug: str) -> OrderProvider:
    """The provider for one workspace. The demo store reads that workspace's rows; Shopify
    is one shop per deployment (its settings), whatever the workspace."""
    try:
        source = OrderSource(settings.provider)
    except ValueError:
        raise AppError(f"orders.provider {settings.provider!r} unknown; use one of "
                       f"{', '.join(s.value for s in OrderSource)}", 500) from None
    if source is OrderSource.SHOPIFY:
        from app.orders.shopify import ShopifyOrderProvider

        return ShopifyOrderProvider.from_settings(settings)
    from app.orders.demo_store import DemoOrderProvider

    return DemoOrderProvider(factory, workspace_slug)
