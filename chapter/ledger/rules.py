"""Referral slips, thank-yous and one-to-ones: their states and the rules about them."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

GIVER_VOID_WINDOW = timedelta(days=7)


class SlipKind(StrEnum):
    INSIDE = "inside"  # the giver is the customer
    OUTSIDE = "outside"  # a third party

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SlipStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"

    @property
    def label(self) -> str:
        return {
            "new": "New",
            "contacted": "Contacted",
            "closed_won": "Closed won",
            "closed_lost": "Closed lost",
        }[self.value]


class BusinessType(StrEnum):
    NEW = "new"
    REPEAT = "repeat"

    @property
    def label(self) -> str:
        return {"new": "New business", "repeat": "Repeat business"}[self.value]


class EntryType(StrEnum):
    """The kinds of rows in a chapter's ledger."""

    SLIP = "slip"
    THANK_YOU = "thank_you"
    ONE_TO_ONE = "one_to_one"
    EDUCATION = "education"

    @property
    def label(self) -> str:
        return {
            "slip": "Referral slip",
            "thank_you": "Thank-you (TYFCB)",
            "one_to_one": "One-to-one",
            "education": "Education credit",
        }[self.value]

    def noun(self, count: int) -> str:
        """``referral slips`` for 3, ``thank-you (TYFCB)`` for 1."""
        singular, plural = {
            "slip": ("referral slip", "referral slips"),
            "thank_you": ("thank-you (TYFCB)", "thank-yous (TYFCB)"),
            "one_to_one": ("one-to-one", "one-to-ones"),
            "education": ("education credit entry", "education credit entries"),
        }[self.value]
        return singular if count == 1 else plural


def may_void(*, is_leader: bool, is_author: bool, created_at: datetime, now: datetime) -> bool:
    """The author may void their own entry within seven days; a leader at any time."""
    if is_leader:
        return True
    return is_author and now - created_at <= GIVER_VOID_WINDOW


def may_refer(giver_id: int, receiver_id: int) -> bool:
    """Nobody refers to or thanks themselves."""
    return giver_id != receiver_id
