"""The leaders' webhook pages: who may use them, adding (HTTPS only), the secret on demand,
test events, the delivery log (bounded queries), re-send and disable; CSRF on every POST."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.auth.models import User
from chapter.extensions import db
from chapter.platform.audit_models import AuditEvent
from chapter.webhooks import service as webhooks
from chapter.webhooks.models import WebhookDelivery, WebhookEndpoint
from chapter.webhooks.rules import SUBSCRIBABLE, DeliveryState, EventKind
from tests.conftest import People, count_queries, login_as
from tests.support.access import (
    FORBIDDEN,
    leader_only,
    log_in_as,
    matrix,
)
from tests.support.pages import plain, text
from tests.webhooks.conftest import NOW


@dataclass(frozen=True)
class Hooked:
    endpoint_id: int
    delivery_id: int
    secret: str


def hook(
    app: Flask, chapter_id: int, user_id: int, url: str = "https://crm.example.org/h"
) -> Hooked:
    """An endpoint of the chapter with one test event in its log."""
    with app.app_context():
        actor = db.session.get(User, user_id)
        endpoint = webhooks.add_endpoint(
            chapter_id,
            webhooks.EndpointDetails(url, "Our CRM", SUBSCRIBABLE),
            actor=actor,
            allow_local_http=False,
        )
        webhooks.send_test_event(endpoint, actor=actor, now=NOW)
        delivery_id = db.session.scalar(db.select(WebhookDelivery.id))
        db.session.commit()
        return Hooked(endpoint.id, delivery_id, endpoint.secret)


@pytest.fixture
def hooked(app: Flask, people: People) -> Hooked:
    return hook(app, people.leader.chapter_id, people.leader.user_id)


NEW = {"url": "https://hooks.example.net/in", "description": "Zapier", "events": ["member.joined"]}
ROUTES = [
    ("GET", "/webhooks", None, leader_only((200, "Add an endpoint"), (200, "No endpoints yet"))),
    ("GET", "/webhooks/new", None, leader_only((200, "Events to send"), (200, "Events to send"))),
    ("POST", "/webhooks/new", NEW, leader_only((302, "/webhooks/"), (302, "/webhooks/"))),
    ("GET", "/webhooks/{e}", None, leader_only((200, "Delivery log"))),
    ("POST", "/webhooks/{e}/secret", {}, leader_only((200, "whsec_"))),
    ("POST", "/webhooks/{e}/test", {}, leader_only((302, "/webhooks/{e}"))),
    ("POST", "/webhooks/{e}/disable", {}, leader_only((302, "/webhooks/{e}"))),
    ("GET", "/webhooks/{e}/deliveries/{d}", None, leader_only((200, "Body sent"))),
    ("POST", "/webhooks/{e}/deliveries/{d}/resend", {}, leader_only((302, "/webhooks/{e}"))),
]


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), matrix(ROUTES))
def test_access(
    client: FlaskClient,
    people: People,
    hooked: Hooked,
    method: str,
    path: str,
    data: Any,
    who: str,
    status: int,
    seen: str,
) -> None:
    ids = {"e": hooked.endpoint_id, "d": hooked.delivery_id}
    path, seen = path.format(**ids), seen.format(**ids)
    log_in_as(client, people, who)
    response = client.open(path, method=method, data=data)
    assert response.status_code == status, plain(response)
    if status == 302:
        assert seen in response.headers["Location"]
    else:
        assert seen in plain(response)
    if status in (FORBIDDEN[0], 404):
        assert hooked.secret not in text(response)


def test_the_other_chapters_leader_sees_none_of_our_endpoints(
    client: FlaskClient, people: People, hooked: Hooked
) -> None:
    login_as(client, people.other_leader)
    page = plain(client.get("/webhooks"))
    assert "crm.example.org" not in page
    assert "No endpoints yet" in page


def test_a_leader_adds_an_endpoint_and_sees_its_secret_only_on_demand(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/webhooks/new",
        data={
            "url": " https://crm.example.org/hooks ",
            "description": "CRM",
            "events": ["visitor.recorded", "thank_you.recorded"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        endpoint = db.session.scalar(db.select(WebhookEndpoint))
        assert (endpoint.chapter_id, endpoint.url) == (people.leader.chapter_id, endpoint.url)
        assert endpoint.url == "https://crm.example.org/hooks"
        assert endpoint.events == ["thank_you.recorded", "visitor.recorded"]
        secret = endpoint.secret
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert "Endpoint added" in plain(page)
    assert secret not in text(page)
    assert "visitor.recorded" in plain(page)
    shown = client.post(f"/webhooks/{endpoint.id}/secret")
    assert secret in text(shown)
    assert shown.headers["Cache-Control"] == "no-store"
    with app.app_context():
        actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"webhook.added", "webhook.secret_shown"} <= actions
    listing = plain(client.get("/webhooks"))
    assert "CRM" in listing
    assert "2 event kind(s)" in listing


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://crm.example.org/hooks", "Use an https:// address"),
        ("http://127.0.0.1:9000/hooks", "not this machine"),
        ("https://10.1.2.3/hooks", "private or reserved"),
        ("not a url", "Enter a whole URL"),
        ("https://crm.example.org/" + "x" * 600, "500"),
    ],
)
def test_a_url_that_cannot_receive_is_refused_at_its_field(
    app: Flask, client: FlaskClient, people: People, url: str, message: str
) -> None:
    login_as(client, people.leader)
    app.config["WEBHOOK_ALLOW_LOCAL_HTTP"] = False
    try:
        response = client.post(
            "/webhooks/new", data={"url": url, "description": "", "events": ["slip.passed"]}
        )
    finally:
        app.config["WEBHOOK_ALLOW_LOCAL_HTTP"] = True
    assert response.status_code == 422
    assert message in plain(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 0


def test_local_http_is_accepted_where_the_flag_is_on(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/webhooks/new", data={"url": "http://127.0.0.1:9000/h", "events": ["slip.passed"]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("events", "message"),
    [([], "Choose at least one event"), (["webhook.test"], "is not a valid choice")],
)
def test_events_must_be_chosen_from_the_list(
    app: Flask, client: FlaskClient, people: People, events: list[str], message: str
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/webhooks/new", data={"url": "https://crm.example.org/h", "events": events}
    )
    assert response.status_code == 422
    assert message in plain(response)


def test_send_a_test_event_queues_one_delivery_for_this_endpoint_only(
    app: Flask, client: FlaskClient, people: People, hooked: Hooked
) -> None:
    other = hook(app, people.leader.chapter_id, people.leader.user_id, "https://b.example.org/")
    login_as(client, people.leader)
    page = client.post(f"/webhooks/{hooked.endpoint_id}/test", follow_redirects=True)
    assert "A test event is queued" in plain(page)
    with app.app_context():
        rows = db.session.execute(
            db.select(WebhookDelivery.endpoint_id, db.func.count()).group_by(
                WebhookDelivery.endpoint_id
            )
        ).all()
    assert dict(rows) == {hooked.endpoint_id: 2, other.endpoint_id: 1}


def test_resend_is_refused_while_the_delivery_waits_then_queues_a_new_round(
    app: Flask, client: FlaskClient, people: People, hooked: Hooked
) -> None:
    login_as(client, people.leader)
    url = f"/webhooks/{hooked.endpoint_id}/deliveries/{hooked.delivery_id}/resend"
    waiting = client.post(url, follow_redirects=True)
    assert "already waiting" in plain(waiting)
    with app.app_context():
        db.session.execute(
            db.update(WebhookDelivery).values(state=DeliveryState.FAILED, attempts=12)
        )
        db.session.commit()
    detail = plain(client.get(f"/webhooks/{hooked.endpoint_id}/deliveries/{hooked.delivery_id}"))
    assert "Failed (gave up)" in detail
    assert "Re-send" in detail
    assert "Queued again" in plain(client.post(url, follow_redirects=True))
    with app.app_context():
        rounds = db.session.execute(
            db.select(WebhookDelivery.round, WebhookDelivery.state).order_by(WebhookDelivery.id)
        ).all()
    assert rounds == [(0, DeliveryState.FAILED), (1, DeliveryState.PENDING)]


def test_disable_keeps_the_endpoint_and_its_log_and_stops_sending(
    app: Flask, client: FlaskClient, people: People, hooked: Hooked
) -> None:
    login_as(client, people.leader)
    page = plain(client.post(f"/webhooks/{hooked.endpoint_id}/disable", follow_redirects=True))
    assert "Endpoint disabled" in page
    assert "1 waiting" in page
    assert "Send a test event" not in page
    assert "Not sent (endpoint disabled)" in page
    again = client.post(f"/webhooks/{hooked.endpoint_id}/disable", follow_redirects=True)
    assert "disabled already" in plain(again)
    refused = client.post(f"/webhooks/{hooked.endpoint_id}/test", follow_redirects=True)
    assert "disabled: nothing is sent" in plain(refused)
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, hooked.endpoint_id)
        assert endpoint is not None
        assert endpoint.disabled_at is not None
    assert "Disabled" in plain(client.get("/webhooks"))


def test_the_delivery_page_shows_the_body_and_the_answer(
    app: Flask, client: FlaskClient, people: People, hooked: Hooked
) -> None:
    with app.app_context():
        db.session.execute(
            db.update(WebhookDelivery).values(
                state=DeliveryState.PENDING,
                attempts=1,
                status_code=500,
                response_excerpt="<b>boom</b>",
                next_attempt_at=NOW,
            )
        )
        db.session.commit()
    login_as(client, people.leader)
    log = client.get(f"/webhooks/{hooked.endpoint_id}")
    assert "HTTP 500" in plain(log)
    assert "<b>boom</b>" not in log.get_data(as_text=True)  # escaped
    page = client.get(f"/webhooks/{hooked.endpoint_id}/deliveries/{hooked.delivery_id}")
    shown = plain(page)
    assert '"type": "webhook.test"' in shown
    assert "A test event from the chapter platform." in shown
    assert "HTTP 500" in shown
    assert "<b>boom</b>" in shown


def _log_with(app: Flask, hooked: Hooked, people: People, extra: int) -> None:
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, hooked.endpoint_id)
        actor = db.session.get(User, people.leader.user_id)
        for _ in range(extra):
            webhooks.send_test_event(endpoint, actor=actor, now=NOW)
        db.session.commit()


def test_the_delivery_log_runs_the_same_queries_for_2_or_25_deliveries(
    app: Flask, client: FlaskClient, people: People, hooked: Hooked
) -> None:
    login_as(client, people.leader)
    _log_with(app, hooked, people, 1)
    with count_queries(app) as few:
        small = client.get(f"/webhooks/{hooked.endpoint_id}")
    _log_with(app, hooked, people, 23)
    with count_queries(app) as many:
        large = client.get(f"/webhooks/{hooked.endpoint_id}")
    assert len(re.findall("webhook.test", plain(small))) == 2
    assert len(re.findall("webhook.test", plain(large))) == 25
    assert len(many) == len(few) <= 8


def test_the_endpoint_list_runs_the_same_queries_for_1_or_6_endpoints(
    app: Flask, client: FlaskClient, people: People, hooked: Hooked
) -> None:
    login_as(client, people.leader)
    with count_queries(app) as few:
        client.get("/webhooks")
    for n in range(5):
        hook(app, people.leader.chapter_id, people.leader.user_id, f"https://h{n}.example.org/")
    with count_queries(app) as many:
        page = plain(client.get("/webhooks"))
    assert page.count("Our CRM") == 6
    assert len(many) == len(few)


def test_every_post_needs_its_csrf_token(csrf_app: Flask, clean_db: None, people: People) -> None:
    hooked = hook(csrf_app, people.leader.chapter_id, people.leader.user_id)
    client = csrf_app.test_client()
    login_as(client, people.leader)
    e, d = hooked.endpoint_id, hooked.delivery_id
    for path in (
        "/webhooks/new",
        f"/webhooks/{e}/secret",
        f"/webhooks/{e}/test",
        f"/webhooks/{e}/disable",
        f"/webhooks/{e}/deliveries/{d}/resend",
    ):
        response = client.post(
            path, data={"url": "https://x.example.org/", "events": "slip.passed"}
        )
        assert response.status_code == 400, path
        assert hooked.secret not in text(response)
    with csrf_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookEndpoint)) == 1
        assert db.session.get(WebhookEndpoint, e).disabled_at is None
        assert db.session.scalar(db.select(db.func.count()).select_from(WebhookDelivery)) == 1


def test_the_leaders_admin_menu_links_to_webhooks(client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    assert 'href="/webhooks"' in client.get("/").get_data(as_text=True)
    login_as(client, people.member)
    assert 'href="/webhooks"' not in client.get("/").get_data(as_text=True)


def test_kinds_have_labels() -> None:
    assert all(kind.label for kind in EventKind)
