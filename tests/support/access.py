"""The access-matrix vocabulary shared by the web tests: who asks, and what they should get."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import People, Person, login_as
from tests.support.pages import text

ANONYMOUS, MEMBER, LEADER, OTHER_LEADER, ADMIN = (
    "anonymous",
    "member",
    "leader",
    "other_leader",
    "admin",
)
# (status, what they see: page text, or where a 302 goes)
TO_LOGIN = (302, "/login?next=")
FORBIDDEN = (403, "Not allowed")
NOT_FOUND = (404, "Page not found")


def matrix(routes: list[tuple[str, str, Any, dict[str, tuple[Any, ...]]]]) -> list[Any]:
    """One pytest case per (route, person): method, path, data, who, then the expectation."""
    return [
        pytest.param(method, path, data, who, *expected, id=f"{who}-{method}-{path}")
        for method, path, data, by_person in routes
        for who, expected in by_person.items()
    ]


def person_named(people: People, who: str) -> Person | None:
    return None if who == ANONYMOUS else getattr(people, who)


def chapter_page(
    member: tuple[Any, ...],
    leader: tuple[Any, ...],
    other_leader: tuple[Any, ...] = NOT_FOUND,
    *,
    anonymous: tuple[Any, ...] = TO_LOGIN,
    admin: tuple[Any, ...] = FORBIDDEN,
) -> dict[str, tuple[Any, ...]]:
    """{person: expectation} of a chapter's page: anonymous goes to log in, the platform admin
    (who has no chapter) is refused, the leader of the other chapter gets 404 unless told."""
    return {
        ANONYMOUS: anonymous,
        MEMBER: member,
        LEADER: leader,
        OTHER_LEADER: other_leader,
        ADMIN: admin,
    }


def leader_only(
    leader: tuple[Any, ...], other_leader: tuple[Any, ...] = NOT_FOUND
) -> dict[str, tuple[Any, ...]]:
    """Expectations of a leader page: members and the platform admin are refused."""
    return chapter_page(FORBIDDEN, leader, other_leader)


def members_too(
    seen: tuple[Any, ...], other_leader: tuple[Any, ...] = NOT_FOUND
) -> dict[str, tuple[Any, ...]]:
    """Expectations of a page every member of the chapter may use."""
    return chapter_page(seen, seen, other_leader)


def log_in_as(client: FlaskClient, people: People, who: str) -> Person | None:
    """Log ``who`` in (nobody for anonymous); returns the person."""
    person = person_named(people, who)
    if person is not None:
        login_as(client, person)
    return person


def assert_answer(response, status: int, seen: str, page: Callable[[Any], str] = text) -> None:
    """The response has ``status``; a 302 goes to a place starting with ``seen``, any other
    answer shows ``seen`` in ``page(response)``."""
    assert response.status_code == status, page(response)
    if status == 302:
        assert response.headers["Location"].startswith(seen)
    else:
        assert seen in page(response)
