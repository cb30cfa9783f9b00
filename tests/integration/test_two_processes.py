"""Two gunicorn processes, one PostgreSQL database, one Redis: a session made on one works on
the other, and the log-in throttle counts failures across both, per account and address and
per account (the addresses come from X-Forwarded-For: the servers trust one proxy)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
import requests

from chapter import create_app
from chapter.extensions import db
from tests.support import factories
from tests.support.databases import fresh_database, server_url

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("CHAPTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
pytestmark = pytest.mark.integration


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    required = os.environ.get("CHAPTER_REQUIRE_INTEGRATION") == "1"
    if server_url() is None or not redis_answers():
        if required:
            pytest.fail(
                "CHAPTER_REQUIRE_INTEGRATION=1 needs PostgreSQL "
                "(CHAPTER_TEST_DATABASE_URL) and Redis"
            )
        pytest.skip("needs PostgreSQL (CHAPTER_TEST_DATABASE_URL) and Redis")
    with fresh_database(tmp_path_factory.mktemp("integration"), "integration") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()
            member = factories.MemberFactory(
                user__email="pat@two.example",
                user__first_name="Pat",
                chapter__name="Two Process Chapter",
            )
            for name in ("kim", "lee"):
                factories.MemberFactory(chapter=member.chapter, user__email=f"{name}@two.example")
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        env = {
            **os.environ,
            "CHAPTER_CONFIG": "development",
            "CHAPTER_DATABASE_URL": url,
            "CHAPTER_SECRET_KEY": uuid.uuid4().hex * 2,
            "CHAPTER_REDIS_URL": REDIS,
            "CHAPTER_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "CHAPTER_LOGIN_RATE_LIMIT": "3 per minute",
            "CHAPTER_LOGIN_ACCOUNT_RATE_LIMIT": "4 per minute",
            "CHAPTER_PROXY_HOPS": "1",
            "CHAPTER_ARGON2_PROFILE": "CHEAPEST",
        }
        ports = [free_port(), free_port()]
        logs = [tmp_path_factory.mktemp("gunicorn") / f"{port}.log" for port in ports]
        streams = [log.open("wb") for log in logs]
        processes = [
            subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "-c",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stream,
            )
            for port, stream in zip(ports, streams, strict=True)
        ]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for base, process, log in zip(bases, processes, logs, strict=True):
                for _ in range(100):
                    try:
                        if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                            break
                    except requests.RequestException:
                        pass
                    if process.poll() is not None:
                        pytest.fail(log.read_text()[-2000:])
                    time.sleep(0.1)
                else:
                    pytest.fail(f"{base} never became ready")
            yield bases
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=20)
            for stream in streams:
                stream.close()


def csrf_token(session: requests.Session, url: str) -> str:
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', session.get(url, timeout=5).text
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def log_in(
    session: requests.Session,
    base: str,
    password: str,
    email: str = "pat@two.example",
    address: str | None = None,
) -> requests.Response:
    token = csrf_token(session, f"{base}/login")
    return session.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": password},
        headers={"X-Forwarded-For": address} if address else {},
        allow_redirects=False,
        timeout=5,
    )


def test_a_session_made_on_one_process_works_on_the_other(servers: list[str]) -> None:
    first, second = servers
    browser = requests.Session()
    assert log_in(browser, first, factories.PASSWORD).status_code == 302
    dashboard = browser.get(f"{second}/", allow_redirects=False, timeout=5)
    assert dashboard.status_code == 200
    assert "Hello, Pat" in dashboard.text
    assert "Two Process Chapter" in dashboard.text
    assert dashboard.headers["X-Request-ID"]


def test_the_login_throttle_counts_failures_across_both_processes(servers: list[str]) -> None:
    first, second = servers
    attacker = requests.Session()
    statuses = [
        log_in(attacker, base, "wrong password").status_code for base in (first, second, first)
    ]
    assert statuses == [422, 422, 422]
    blocked = log_in(attacker, second, "wrong password")
    assert blocked.status_code == 429  # the fourth failure, on the other process
    assert "Too many attempts" in blocked.text


def test_a_guests_failures_leave_a_member_on_the_same_address_alone(servers: list[str]) -> None:
    first, second = servers
    venue = "203.0.113.50"
    guest = requests.Session()
    statuses = [
        log_in(guest, base, "guess", "nobody@x.example", venue).status_code
        for base in (first, second, first, second)
    ]
    assert statuses == [422, 422, 422, 429]

    member = log_in(requests.Session(), second, factories.PASSWORD, "kim@two.example", venue)
    assert member.status_code == 302


def test_the_per_account_throttle_counts_across_addresses_and_processes(
    servers: list[str],
) -> None:
    first, second = servers
    attacker = requests.Session()
    statuses = [
        log_in(attacker, base, "guess", "lee@two.example", f"198.51.100.{n}").status_code
        for n, base in enumerate((first, second, first, second))
    ]
    assert statuses == [422] * 4  # one failure from each address: under the per-address limit

    blocked = log_in(requests.Session(), first, factories.PASSWORD, "lee@two.example", "192.0.2.9")
    assert blocked.status_code == 429  # the account itself is throttled, on both processes
    assert "Please try again in 1 minute." in blocked.text
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
