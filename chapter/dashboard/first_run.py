"""What a new chapter's leader still has to do: the first-run checklist on the dashboard.

The rule: four steps, each done by what the chapter's data shows (never by a click on the
checklist): *settings* when the meeting place is set; *members* when someone besides the
first leader is an active member (added by hand and invited, or imported from BNI Connect);
*roster* when a meeting's attendance roster has been completed; *rotation* when the
presentation rotation has at least one slot. The checklist shows until every step is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    SETTINGS = "settings"
    MEMBERS = "members"
    ROSTER = "roster"
    ROTATION = "rotation"


@dataclass(frozen=True)
class ChapterStart:
    """What the chapter's data says, in numbers (the service counts them in one query)."""

    location: str
    active_members: int
    completed_rosters: int
    presentations: int


@dataclass(frozen=True)
class StepState:
    step: Step
    is_done: bool


def first_run_steps(start: ChapterStart) -> list[StepState]:
    """The four steps in the order a leader does them, each done or not (the rule above)."""
    done = {
        Step.SETTINGS: bool(start.location.strip()),
        Step.MEMBERS: start.active_members >= 2,
        Step.ROSTER: start.completed_rosters > 0,
        Step.ROTATION: start.presentations > 0,
    }
    return [StepState(step, done[step]) for step in Step]


def checklist_shown(steps: list[StepState]) -> bool:
    """The checklist shows while any step is left, and is hidden once all are done."""
    return not all(state.is_done for state in steps)
