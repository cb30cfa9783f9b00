"""Member status and leadership positions, and what each allows."""

from __future__ import annotations

from enum import StrEnum


class MemberStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    LEFT = "left"

    @property
    def label(self) -> str:
        return {"active": "Active", "on_leave": "On leave", "left": "Left"}[self.value]


class Position(StrEnum):
    """Leadership team positions; any of them makes a member a chapter leader."""

    PRESIDENT = "president"
    VICE_PRESIDENT = "vice_president"
    SECRETARY_TREASURER = "secretary_treasurer"

    @property
    def label(self) -> str:
        return {
            "president": "President",
            "vice_president": "Vice-President",
            "secretary_treasurer": "Secretary-Treasurer",
        }[self.value]


class Role(StrEnum):
    """Access levels, from least to most: a member, a chapter leader, a platform admin."""

    MEMBER = "member"
    LEADER = "leader"
    PLATFORM_ADMIN = "platform_admin"


def can_log_in(status: MemberStatus | None, *, is_platform_admin: bool) -> bool:
    """A platform admin can always log in; a member who left cannot (their history stays)."""
    if is_platform_admin:
        return True
    return status is not None and status is not MemberStatus.LEFT
