"""E-mail normalisation, classification keys and who may log in."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chapter.members.identity import classification_key, normalise_email
from chapter.members.roles import MemberStatus, Position, can_log_in


def test_emails_compare_without_case_or_surrounding_spaces() -> None:
    assert normalise_email("  Grace.Okafor@Example.COM ") == "grace.okafor@example.com"


def test_classifications_differ_only_by_profession_not_spacing_or_case() -> None:
    assert classification_key(" Family   Lawyer ") == classification_key("family lawyer")
    assert classification_key("Plumber") != classification_key("Plumbing")


@given(st.text(max_size=40))
def test_classification_key_is_idempotent(text: str) -> None:
    key = classification_key(text)
    assert classification_key(key) == key


def test_member_who_left_cannot_log_in_but_platform_admin_always_can() -> None:
    assert can_log_in(MemberStatus.ACTIVE, is_platform_admin=False)
    assert can_log_in(MemberStatus.ON_LEAVE, is_platform_admin=False)
    assert not can_log_in(MemberStatus.LEFT, is_platform_admin=False)
    assert not can_log_in(None, is_platform_admin=False)
    assert can_log_in(None, is_platform_admin=True)


def test_positions_have_the_titles_chapters_use() -> None:
    assert [position.label for position in Position] == [
        "President",
        "Vice-President",
        "Secretary-Treasurer",
    ]
