"""Passwords, authentication and signed links."""

from __future__ import annotations

import pytest

from chapter.auth import service as accounts
from chapter.chapters import service as chapters
from chapter.errors import RuleViolation
from chapter.members.roles import MemberStatus
from tests.support import factories
from tests.support.factories import PASSWORD


def test_authenticate_by_normalised_email(in_app) -> None:
    member = factories.MemberFactory(user__email="dana@example.test")
    assert accounts.authenticate(" DANA@example.TEST", PASSWORD) is member.user
    assert accounts.authenticate("dana@example.test", "wrong") is None
    assert accounts.authenticate("nobody@example.test", PASSWORD) is None


def test_invited_member_without_password_cannot_authenticate(in_app) -> None:
    member = factories.MemberFactory(user__password_hash=None)
    assert accounts.authenticate(member.email, "") is None


def test_member_who_left_cannot_authenticate(in_app) -> None:
    member = factories.MemberFactory(status=MemberStatus.LEFT)
    assert accounts.authenticate(member.email, PASSWORD) is None


def test_platform_admin_without_chapter_authenticates(in_app) -> None:
    admin = factories.UserFactory(is_platform_admin=True)
    assert accounts.authenticate(admin.email, PASSWORD) is admin


def test_passwords_are_argon2id_and_short_ones_refused(in_app) -> None:
    user = factories.UserFactory()
    accounts.set_password(user, "long enough secret")
    assert user.password_hash.startswith("$argon2id$")
    with pytest.raises(RuleViolation):
        accounts.set_password(user, "short")


def test_reset_token_is_single_use_and_bound_to_its_purpose(in_app) -> None:
    user = factories.MemberFactory().user
    token = accounts.make_token(user, accounts.RESET)
    assert accounts.user_for_token(token, accounts.RESET) is user
    with pytest.raises(RuleViolation):
        accounts.user_for_token(token, accounts.INVITATION)
    accounts.set_password(user, "another long secret")
    with pytest.raises(RuleViolation, match="already been used"):
        accounts.user_for_token(token, accounts.RESET)


def test_invitation_refused_once_a_password_is_set(in_app) -> None:
    member = factories.MemberFactory(user__password_hash=None)
    token = accounts.invitation_token(member.user)
    assert accounts.user_for_token(token, accounts.INVITATION) is member.user
    accounts.set_password(member.user, "my first password")
    with pytest.raises(RuleViolation, match="already has a password"):
        accounts.invitation_token(member.user)


def test_platform_is_empty_only_without_accounts(in_app) -> None:
    assert chapters.platform_is_empty()
    factories.UserFactory()
    assert not chapters.platform_is_empty()
