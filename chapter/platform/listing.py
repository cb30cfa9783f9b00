"""A page of items the caller already has (rows computed in Python, or kept in the page cache),
as a Flask-SQLAlchemy ``Pagination``, so the pager macro reads it like any query's page."""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination


class ListPage(Pagination):
    """``ListPage(page=n, per_page=k, items=rows_of_page_n, total=count_of_all_rows)``."""

    def _query_items(self) -> list[Any]:
        return list(self._query_args["items"])

    def _query_count(self) -> int:
        return int(self._query_args["total"])
