"""Visitors and substitutes as prospects: the follow-up steps."""

from __future__ import annotations

from enum import StrEnum


class FollowUp(StrEnum):
    TO_CONTACT = "to_contact"
    CONTACTED = "contacted"
    VISITING_AGAIN = "visiting_again"
    APPLIED = "applied"
    JOINED = "joined"
    NOT_INTERESTED = "not_interested"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
