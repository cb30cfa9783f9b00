"""How long the leaderboard takes to render for a leader of a 25-member chapter (the 25 x 25
give/get matrix and the charts): the template alone, timed on the context the page built.

    .venv/bin/python tests/load/render_matrix.py

A one-chapter bench dataset (25 members, 26 weeks, every pair of members has passed slips)
in a temporary SQLite file; prints the median and p95 of 200 renders of
templates/leaderboard/_board.html, and of the whole page through the app. Not a test.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_CHAPTERS", "1")
os.environ.setdefault("BENCH_WEEKS", "26")

import flask_migrate
from flask import render_template, template_rendered
from flask_login import login_user

from chapter import bench, create_app
from chapter.auth.models import User
from chapter.extensions import db

RENDERS = int(os.environ.get("RENDERS", "200"))
PATH = "/leaderboard/?period=six_months"


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    folder = tempfile.mkdtemp(prefix="chapter-render-")
    url = f"sqlite:///{Path(folder) / 'render.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, PAGE_CACHE=False)
    with app.app_context():
        flask_migrate.upgrade()
        bench.generate()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"  # member 1 presides: a leader, who sees the matrix
    captured: list[tuple[str, dict]] = []

    def keep(sender, template, context, **extra) -> None:
        captured.append((template.name, dict(context)))

    template_rendered.connect(keep, app)
    response = client.get(PATH)
    assert response.status_code == 200, response.status_code
    assert "Giver ↓ / receiver →" in response.get_data(as_text=True)
    name, context = next(item for item in captured if item[0] == "leaderboard/_board.html")
    template_rendered.disconnect(keep, app)
    matrix = context.get("matrix") or {}
    print(
        f"{len(context['rows'])} members, {len(matrix)} non-empty matrix cells, {RENDERS} renders",
        file=sys.stderr,
    )
    for key in ("request", "session", "g", "config", "current_user"):
        context.pop(key, None)
    with app.test_request_context(PATH), app.app_context():
        login_user(db.session.get(User, 1))
        render_template(name, **context)  # compile and warm up
        samples = []
        for _ in range(RENDERS):
            started = time.perf_counter()
            render_template(name, **context)
            samples.append((time.perf_counter() - started) * 1000)
    template_median, template_p95 = percentiles(samples)
    pages = []
    for _ in range(max(20, RENDERS // 5)):
        started = time.perf_counter()
        client.get(PATH)
        pages.append((time.perf_counter() - started) * 1000)
    page_median, page_p95 = percentiles(pages)
    print(f"{'':34} {'median ms':>10} {'p95 ms':>8}")
    print(f"{'leaderboard template (leader)':34} {template_median:10.2f} {template_p95:8.2f}")
    print(f"{'whole page, cache off (leader)':34} {page_median:10.2f} {page_p95:8.2f}")


if __name__ == "__main__":
    main()
