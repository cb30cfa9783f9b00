"""The app as `make throughput` serves it: the real app plus one yardstick page that exists only
here (never in production): a bare Flask view running one indexed query, the floor against
which the real pages' requests per second are read.

gunicorn --pythonpath tests/load bench_wsgi:app
"""

from __future__ import annotations

import os

from sqlalchemy import text

from chapter import create_app
from chapter.extensions import db
from chapter.permissions import public

app = create_app(os.environ.get("CHAPTER_CONFIG", "development"))


@app.route("/bench/yardstick")
@public
def yardstick() -> str:
    """One primary-key lookup, a one-line answer: what any page costs before its own work."""
    name = db.session.execute(text("SELECT name FROM chapters WHERE id = 1")).scalar_one()
    return f"<p>{name}</p>"
