"""Referral slips, thank-yous and one-to-ones: their states and the rules about them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

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


class TestimonialKind(StrEnum):
    """How a testimonial was given: spoken at a meeting, or written."""

    __test__ = False  # pytest: a "Test..." name that is not a test

    SPOKEN = "spoken"
    WRITTEN = "written"

    @property
    def label(self) -> str:
        return {"spoken": "Spoken at a meeting", "written": "Written"}[self.value]


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


def a_year_before(today: date) -> date:
    """The same day a year earlier (29 February -> 28 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def entry_date_problem(day: date, today: date, *, not_before: date | None = None) -> str | None:
    """Why ``day`` cannot be the date of a ledger entry a member records now (business
    closed, a one-to-one, education, a testimonial), or None when it can.

    An entry counts toward the week it is reported in, so its date must be recent: not in
    the future (``today`` is the chapter's date), not more than a year ago (``a_year_before``:
    older history comes in by import), and a thank-you for a slip not before the day the slip
    was passed (``not_before``, the slip's date in the chapter's time zone)."""
    if day > today:
        return "The date cannot be in the future."
    if not_before is not None and day < not_before:
        return (
            f"The referral was passed on {_day(not_before)}: "
            "the business closed on that day or later."
        )
    oldest = a_year_before(today)
    if day < oldest:
        return f"Choose a date in the last year: {_day(oldest)} or later."
    return None


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def may_refer(giver_id: int, receiver_id: int) -> bool:
    """Nobody refers to or thanks themselves."""
    return giver_id != receiver_id


class ThankYouPrivacy(Protocol):
    """What the thanker rule needs to know of a thank-you."""

    thanker_id: int | None
    giver_id: int
    reveal_thanker: bool


HIDDEN_THANKER = "A member (private)"
NO_THANKER = "Imported"  # imported history: the old portal never recorded who thanked


def can_see_thanker(viewer_id: int | None, thank_you: ThankYouPrivacy) -> bool:
    """Who thanked whom is private: the thanker sees it, and the giver when the thanker
    allowed it (``reveal_thanker``). Nobody else does, leaders included; ``viewer_id`` None is
    the chapter as a whole (reports, exports, downloads for leaders). Imported thank-yous have
    no thanker to see."""
    if thank_you.thanker_id is None or viewer_id is None:
        return False
    if viewer_id == thank_you.thanker_id:
        return True
    return viewer_id == thank_you.giver_id and thank_you.reveal_thanker


def thanker_label(
    viewer_id: int | None, thank_you: ThankYouPrivacy, names: Mapping[int, str]
) -> str:
    """The thanker as ``viewer_id`` may see it, in the same words on pages, CSVs and notices:
    their name, "A member (private)", or "Imported" when no thanker was recorded."""
    if thank_you.thanker_id is None:
        return NO_THANKER
    if can_see_thanker(viewer_id, thank_you):
        return names.get(thank_you.thanker_id, "")
    return HIDDEN_THANKER
