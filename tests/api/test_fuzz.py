"""Schemathesis runs every operation of /api/v1/openapi.json with generated input against
the WSGI app, as the chapter's leader with a write token: no answer >= 500, and every answer
matches the document (status, content type, body schema). The number of requests is counted
and printed (pytest -s); README gives it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chapter import create_app
from chapter.extensions import db
from tests.api.helpers import bearer, token_for
from tests.conftest import People
from tests.support.attendance_factories import upcoming_meeting
from tests.support.referral_helpers import SlipFactory, ThankYouFactory

EXAMPLES = 12  # generated per operation; with its coverage cases 1,512 requests for 26, 20-40 s
REQUESTS: list[int] = []
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def leader_headers(app: Flask, people: People) -> dict[str, str]:
    """The home chapter with a meeting ahead, a slip and a thank-you; a leader's token."""
    home = people.leader.chapter_id
    upcoming_meeting(app, home)
    with app.app_context():
        SlipFactory(
            chapter_id=home, giver_id=people.leader.member_id, receiver_id=people.member.member_id
        )
        ThankYouFactory(
            chapter_id=home, giver_id=people.member.member_id, thanker_id=people.leader.member_id
        )
        db.session.commit()
    return bearer(token_for(app, people.leader, "write"))


@pytest.fixture
def fuzzed_app(app: Flask) -> Iterator[Flask]:
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # the fuzzer is not the rate test
    yield app
    app.config["API_RATE_LIMIT"] = "120 per minute"


# The document comes from an app of its own (it depends on the code only); the requests go to
# the suite's app and database (``app=`` below).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_answers_by_its_schema(
    case, fuzzed_app: Flask, leader_headers: dict[str, str]
) -> None:
    REQUESTS.append(1)
    case.call_and_validate(app=fuzzed_app, headers=leader_headers, checks=CHECKS)


def test_report_requests(request: pytest.FixtureRequest) -> None:
    """Runs after the fuzz tests in this module: how many requests they sent."""
    print(f"\nschemathesis sent {len(REQUESTS)} requests")
