"""Reading the pages the web tests get back, and the small requests they repeat.

The access-matrix vocabulary lives in ``tests.support.access``; the ``csrf_app`` fixture in
``tests.web.conftest``.
"""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from chapter.auth.models import User
from chapter.extensions import db
from tests.support.factories import PASSWORD


def text(response) -> str:
    """The page's HTML with entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def plain(response) -> str:
    """What a person reads: the page (or an HTML string) without tags, spaces collapsed."""
    page = response if isinstance(response, str) else response.get_data(as_text=True)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def field_errors(response, name: str) -> list[str]:
    """The error messages shown right after the input called ``name``."""
    page = response.get_data(as_text=True)
    start = page.index(f'id="{name}"')
    end = page.find("<label", start)
    chunk = page[start : end if end != -1 else len(page)]
    return [
        html.unescape(message)
        for message in re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', chunk)
    ]


def token_in(response) -> str:
    """The CSRF token of the form on the page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return html.unescape(match.group(1))


def log_in(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str):
    """Post the real log-in form; returns the response."""
    return client.post("/login", data={"email": email, "password": password, **extra})


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(User))


def html_of(response) -> str:
    """The page's HTML as sent (entities left as they are)."""
    return response.get_data(as_text=True)


def hidden_in(response, name: str) -> str:
    """The value of the hidden input ``name`` on the page (e.g. a create form's one-time key)."""
    page = response.get_data(as_text=True)
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    assert match, f"the page has no hidden {name}"
    return html.unescape(match.group(1))


def send_twice(client: FlaskClient, path: str, data: dict[str, str], *, form_page: str = ""):
    """Open the form at ``form_page`` (default ``path``), then POST ``data`` to ``path`` twice
    with the page's CSRF token and one-time form key, as a double tap does. Returns both
    responses."""
    page = client.get(form_page or path)
    assert page.status_code == 200, page.status_code
    sent = {**data, "csrf_token": token_in(page), "form_key": hidden_in(page, "form_key")}
    return client.post(path, data=sent), client.post(path, data=sent)
