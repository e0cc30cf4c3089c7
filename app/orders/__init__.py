"""Order sources for the order-status bot: the OrderProvider port, order-number recognition,
the embedded demo store and the Shopify Admin API adapter."""
