"""The access-matrix vocabulary shared by the web tests: who asks, and what they should get."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import People, Person

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
