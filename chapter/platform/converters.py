"""URL converters: ``<int:...>`` in every route stops at what the databases can store."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

ROW_ID_MAX = 2**31 - 1  # an INTEGER column, on SQLite's bound parameters and on PostgreSQL


class BoundedIntConverter(IntegerConverter):
    """Werkzeug's ``int`` with a default maximum: ``/referrals/9223372036854775808`` is a 404,
    not an OverflowError (a 500) when the id reaches the database driver."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # werkzeug's argument names
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, ROW_ID_MAX if max is None else max, signed)


def install(app: Flask) -> None:
    """Before any route is added."""
    app.url_map.converters["int"] = BoundedIntConverter
