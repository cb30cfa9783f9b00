"""The feature-presentation rotation.

The rule: slots are filled in date order from a queue ordered by who presented longest ago
(never = longest; a member who did not show up owes a presentation and goes first), ties
broken by join date. A member presents once before anyone presents twice; nobody presents at
two meetings in a row while enough others are available; a member is not scheduled in their
first GRACE_WEEKS weeks; members on leave or who left are not candidates at all, and
cancelled meetings are not slots. Fixed slots (confirmed, or set by hand) are kept as they are
and count as presentations for the queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

GRACE_WEEKS = 4
CONFIRMED_MEETINGS = 2


@dataclass(frozen=True)
class Candidate:
    member_id: int
    joined_on: date
    last_presented_on: date | None = None  # None: never presented
    owes: bool = False  # a no-show, not yet made up: back at the front of the queue


@dataclass(frozen=True)
class Slot:
    meeting_id: int
    meets_on: date
    capacity: int  # presenters per meeting: 1 or 2


def queue_order(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Who is next: owed presentations first, then longest ago (never first), then earliest
    join date, then id (so the order never depends on the input order)."""
    return sorted(
        candidates,
        key=lambda c: (not c.owes, c.last_presented_on or date.min, c.joined_on, c.member_id),
    )


def plan(
    slots: Sequence[Slot],
    candidates: Sequence[Candidate],
    fixed: Mapping[int, Sequence[int]] | None = None,
    grace_weeks: int = GRACE_WEEKS,
) -> dict[int, list[int]]:
    """Presenters for each slot (meeting id -> member ids), following the rule above.

    ``fixed`` slots keep their presenters. A slot stays short only when no eligible member is
    left (a tiny chapter, or everyone new).
    """
    fixed = fixed or {}
    queue = queue_order(candidates)
    known = {c.member_id for c in candidates}
    grace = timedelta(weeks=grace_weeks)
    result: dict[int, list[int]] = {}
    previous: set[int] = set()
    for slot in sorted(slots, key=lambda s: (s.meets_on, s.meeting_id)):
        if slot.meeting_id in fixed:
            chosen = list(fixed[slot.meeting_id])
        else:
            eligible = [c for c in queue if slot.meets_on >= c.joined_on + grace]
            fresh = [c for c in eligible if c.member_id not in previous]
            # Prefer members who did not present last time; fill up from the rest if needed.
            picks = fresh[: slot.capacity]
            if len(picks) < slot.capacity:
                picks += [c for c in eligible if c not in picks][: slot.capacity - len(picks)]
            chosen = [c.member_id for c in picks]
        result[slot.meeting_id] = chosen
        presented = [c for c in queue if c.member_id in chosen]
        queue = [c for c in queue if c.member_id not in chosen] + [
            Candidate(c.member_id, c.joined_on, slot.meets_on, False) for c in presented
        ]
        previous = set(chosen) & known
    return result


def confirmed_meeting_ids(
    upcoming: Sequence[Slot],
    presenters: Mapping[int, Sequence[int]],
    count: int = CONFIRMED_MEETINGS,
) -> set[int]:
    """The next ``count`` held meetings are confirmed (regenerating never changes them), but
    only those that have a presenter: an empty slot is still to be filled, never "confirmed".

    ``upcoming`` holds the held meetings only (a cancelled meeting is not a slot, so it is
    never confirmed); ``presenters`` maps a meeting id to the members presenting there.
    """
    ordered = sorted(upcoming, key=lambda s: (s.meets_on, s.meeting_id))
    return {slot.meeting_id for slot in ordered[:count] if presenters.get(slot.meeting_id)}


def presenters_at(is_cancelled: bool, presenters: Sequence[int]) -> list[int]:
    """Who presents at a meeting: nobody at a cancelled one, whatever was planned before."""
    return [] if is_cancelled else list(presenters)
