"""The states of a presentation and of a swap request."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    SCHEDULED = "scheduled"
    PRESENTED = "presented"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return {"scheduled": "Scheduled", "presented": "Presented", "no_show": "No-show"}[
            self.value
        ]


class SwapStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()
