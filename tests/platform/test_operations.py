"""Operations: backup and restore, health checks, request logs, proxy headers."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from chapter import create_app
from chapter.demo import service as demo
from chapter.extensions import db
from tests.support.databases import server_url

pytestmark = pytest.mark.skipif(
    server_url() is not None, reason="SQLite backups (PostgreSQL uses pg_dump)"
)


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_backup_of_a_populated_database_restores_every_row(tmp_path: Path) -> None:
    live = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite'}")
    with live.app_context():
        flask_migrate.upgrade()
        demo.load_demo(today=date(2026, 11, 23))
        db.session.commit()
    runner = live.test_cli_runner()
    result = runner.invoke(args=["chapter", "backup", str(tmp_path / "backup.sqlite")])
    assert result.exit_code == 0, result.output
    assert "Backed up to" in result.output
    elsewhere = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'new.sqlite'}"
    )
    restored = elsewhere.test_cli_runner().invoke(
        args=["chapter", "restore", str(tmp_path / "backup.sqlite")]
    )
    assert restored.exit_code == 0, restored.output
    before, after = row_counts(live), row_counts(elsewhere)
    assert before == after
    assert before["referral_slips"] > 100
    assert before["attendance"] > 200
    # and the restored copy serves the demo leader's dashboard
    client = elsewhere.test_client()
    login = client.post(
        "/login", data={"email": "leader@demo.example", "password": demo.DEMO_PASSWORD}
    )
    assert login.status_code == 302
    assert "Demo Chapter" in client.get("/").get_data(as_text=True)
    with live.app_context(), elsewhere.app_context():
        pass


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.sqlite'}")
    with app.app_context():
        flask_migrate.upgrade()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["chapter", "backup", str(tmp_path / "b.sqlite")]).exit_code == 0
    again = runner.invoke(args=["chapter", "restore", str(tmp_path / "b.sqlite")])
    assert again.exit_code != 0
    assert "not empty" in again.output
    assert runner.invoke(args=["chapter", "backup", str(tmp_path / "b.sqlite")]).exit_code != 0


def test_health_and_readiness(tmp_path: Path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.sqlite'}")
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    assert "sqlite" not in not_ready.get_data(as_text=True)  # reveals no URL
    with app.app_context():
        flask_migrate.upgrade()
    ready = client.get("/readyz")
    assert (ready.status_code, ready.get_json()) == (200, {"status": "ready"})
    with app.app_context():
        flask_migrate.downgrade(revision="-1")
    assert client.get("/readyz").status_code == 503


def test_one_json_line_per_request_with_a_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'l.sqlite'}", REQUEST_LOG=True
    )
    logger = logging.getLogger("chapter.requests")
    logger.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="chapter.requests"):
            response = app.test_client().get(
                "/healthz?password=hunter2", headers={"X-Request-ID": "abc12345"}
            )
    finally:
        logger.propagate = False
    assert response.headers["X-Request-ID"] == "abc12345"
    line = json.loads(caplog.records[-1].getMessage())
    assert line["request_id"] == "abc12345"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/healthz", 200)
    assert "hunter2" not in caplog.text
    assert set(line) == {
        "time",
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
        "chapter_id",
        "member_id",
    }


def test_forwarded_headers_are_honoured_only_when_configured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "chapter.example"}
    plain = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    proxied = create_app("testing", SQLALCHEMY_DATABASE_URI=url, PROXY_HOPS=1)
    for app in (plain, proxied):
        with app.app_context():
            flask_migrate.upgrade()
    assert plain.test_client().get("/", headers=headers).headers["Location"].startswith("/")
    redirect = proxied.test_client().get("/login?next=/x", headers=headers)
    assert redirect.status_code in (200, 302)
    with proxied.test_request_context("/", headers=headers):
        from flask import request

        assert request.host == "localhost"  # test contexts bypass middleware
    environ = {
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "internal:8000",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "chapter.example",
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "internal",
        "SERVER_PORT": "8000",
        "wsgi.input": None,
    }
    seen: dict[str, str] = {}

    def capture(env, start_response):
        seen.update(scheme=env["wsgi.url_scheme"], host=env["HTTP_HOST"])
        start_response("200 OK", [])
        return [b""]

    from werkzeug.middleware.proxy_fix import ProxyFix

    assert isinstance(proxied.wsgi_app, ProxyFix)
    assert not isinstance(plain.wsgi_app, ProxyFix)
    proxied.wsgi_app.app = capture
    proxied.wsgi_app(environ, lambda *args: None)
    assert seen == {"scheme": "https", "host": "chapter.example"}
