"""Use cases and queries. The caller owns the transaction: services flush, never commit."""
