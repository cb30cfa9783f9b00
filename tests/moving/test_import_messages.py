"""What the import pages say when they refuse: the size limit by name, a blocker once."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage

from tests.conftest import People, login_as
from tests.moving.test_import_pages import (
    BIG,
    SMALL,
    choose_all,
    fixture,
    post_multipart,
    preview_url,
    upload,
)
from tests.support.pages import plain

FUTURE_BLOCKER = "07 Jan 2099 is in the future: choose a meeting held."


@pytest.fixture
def leader(client: FlaskClient, people: People) -> FlaskClient:
    login_as(client, people.leader)
    return client


def test_a_file_far_over_the_import_limit_names_the_limit(
    app: Flask, leader: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 50_000)
    response = upload(leader, fixture(BIG), BIG)  # 369 KB: refused before it is read
    assert response.status_code == 413
    assert "The file is larger than 48 KB, the most this page accepts." in plain(response)


def test_a_file_over_the_site_limit_names_the_2_mb_limit(leader: FlaskClient) -> None:
    three_mb = FileStorage(io.BytesIO(b"x" * (3 * 1024 * 1024)), filename="big.bin")
    response = post_multipart(leader, "/members/new", {"first_name": "Big", "file": three_mb})
    assert response.status_code == 413
    assert "The file is larger than 2 MB, the most this page accepts." in plain(response)


def test_a_blocked_import_says_why_once_on_the_preview_and_after_import_is_pressed(
    leader: FlaskClient,
) -> None:
    location = preview_url(upload(leader, fixture(SMALL), SMALL))
    names = choose_all(leader.get(location))
    data = {"meeting_on": "2099-01-07", **names}

    preview = plain(leader.post(location, data={"action": "preview", **data}))
    assert preview.count(FUTURE_BLOCKER) == 1, preview

    refused = leader.post(location, data={"action": "confirm", **data})
    assert refused.status_code == 422
    assert plain(refused).count(FUTURE_BLOCKER) == 1, plain(refused)
    assert "Import would be refused until:" in plain(refused)
