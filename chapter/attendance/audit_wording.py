"""How a meeting's audit record reads: "Leila Haddad: Absent → Substitute (Tom Ray)".

One home for the wording of a meeting's audit trail: an event's action code and its before
and after records in, a readable title and change lines out. Pure: the names of members and
substitutes come in ``Names`` (the caller resolves them in one query per kind), times are
shown in the chapter's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from chapter.attendance.rules import Palms

ARROW = "→"

ACTION_TITLES = {
    "roster.saved": "Roster saved as a draft",
    "roster.completed": "Roster completed",
    "roster.reopened": "Roster reopened for corrections",
    "meeting.cancelled": "Meeting cancelled",
    "meeting.restored": "Meeting back on",
    "meeting.moved": "Meeting moved",
    "meeting.added": "Extra meeting added",
    "rotation.swapped": "Presentation slots swapped",
    "rotation.assigned": "Presentation slot given to another member",
    "rotation.outcome": "Presentation recorded",
}
OUTCOMES = {"presented": "presented", "no_show": "did not show up", "scheduled": "scheduled"}


@dataclass(frozen=True)
class Names:
    """Member id -> name and guest (substitute) id -> name, for the ids a trail mentions."""

    members: Mapping[int, str] = field(default_factory=dict)
    guests: Mapping[int, str] = field(default_factory=dict)

    def member(self, member_id: Any) -> str:
        return self.members.get(_as_id(member_id), "a former member")

    def guest(self, guest_id: Any) -> str:
        return self.guests.get(_as_id(guest_id), "a substitute")


@dataclass(frozen=True)
class Mentioned:
    """The ids an event's records mention, to resolve their names in one query each."""

    member_ids: frozenset[int]
    guest_ids: frozenset[int]


def action_title(action: str) -> str:
    """``roster.saved`` -> "Roster saved as a draft"; an unknown code still reads as words."""
    if action in ACTION_TITLES:
        return ACTION_TITLES[action]
    return action.replace(".", " ").replace("_", " ").strip().capitalize() or "Change"


def mentioned(
    action: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> Mentioned:
    """Which members and substitutes an event names (by id) in its records."""
    members: set[int] = set()
    guests: set[int] = set()
    for record in (before or {}, after or {}):
        if action.startswith("roster."):
            for key, value in record.items():
                if _as_id(key) is not None and isinstance(value, Mapping):
                    members.add(_as_id(key))  # type: ignore[arg-type]
                    if _as_id(value.get("substitute_id")) is not None:
                        guests.add(_as_id(value["substitute_id"]))  # type: ignore[arg-type]
        elif action.startswith("rotation."):
            members.update(_rotation_members(record))
    return Mentioned(frozenset(members), frozenset(guests))


def describe_change(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    names: Names,
    zone: ZoneInfo,
) -> list[str]:
    """The change lines of one event, as a leader reads them (empty when there is nothing
    more to say than the title)."""
    before, after = before or {}, after or {}
    describe = _DESCRIBERS.get(action)
    return describe(before, after, names, zone) if describe else []


def _roster_saved(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Names, _: ZoneInfo
) -> list[str]:
    keys = {key for key in (*before, *after) if _as_id(key) is not None}
    lines = []
    for key in sorted(keys, key=lambda k: (names.member(k), k)):
        line = _attendance_change(before.get(key), after.get(key), names)
        if line:
            lines.append(f"{names.member(key)}: {line}")
    visitors = after.get("visitors")
    if isinstance(visitors, int) and visitors > 0:
        lines.append(f"{visitors} visitor{'s' if visitors != 1 else ''} added")
    return lines


def _attendance_change(old: Any, new: Any, names: Names) -> str:
    old = old if isinstance(old, Mapping) else None
    new = new if isinstance(new, Mapping) else None
    parts = []
    was, now = _letter(old, names), _letter(new, names)
    if old is None:
        parts.append(now)
    elif was != now:
        parts.append(f"{was} {ARROW} {now}")
    old_note = (old or {}).get("note") or ""
    new_note = (new or {}).get("note") or ""
    if new is not None and new_note != old_note:
        parts.append(f"note “{new_note}”" if new_note else "note removed")
    return ", ".join(parts)


def _letter(record: Mapping[str, Any] | None, names: Names) -> str:
    if record is None:
        return "not marked"
    try:
        label = Palms(record.get("status")).label
    except ValueError:
        label = str(record.get("status"))
    substitute = record.get("substitute_id")
    return f"{label} ({names.guest(substitute)})" if substitute is not None else label


def _roster_completed(
    _: Mapping[str, Any], after: Mapping[str, Any], __: Names, ___: ZoneInfo
) -> list[str]:
    lines = []
    if "members" in after:
        count = after["members"]
        visitors = after.get("visitors", 0)
        lines.append(
            f"{count} member{'s' if count != 1 else ''} marked, "
            f"{visitors} visitor{'s' if visitors != 1 else ''}"
        )
    if after.get("file"):
        lines.append(f"From the imported file “{after['file']}”")
    return lines


def _roster_reopened(
    before: Mapping[str, Any], _: Mapping[str, Any], __: Names, zone: ZoneInfo
) -> list[str]:
    completed = _moment(before.get("completed_at"), zone)
    return [f"It had been completed on {_day(completed)} at {completed:%H:%M}"] if completed else []


def _meeting_cancelled(
    _: Mapping[str, Any], after: Mapping[str, Any], __: Names, ___: ZoneInfo
) -> list[str]:
    reason = (after.get("cancel_reason") or "").strip()
    return [f"Reason: {reason}"] if reason else []


def _meeting_moved(
    before: Mapping[str, Any], after: Mapping[str, Any], _: Names, __: ZoneInfo
) -> list[str]:
    was, now = _date(before.get("meets_on")), _date(after.get("meets_on"))
    if was is None or now is None:
        return []
    return [f"{_day(was)} {ARROW} {_day(now)}"]


def _meeting_added(
    _: Mapping[str, Any], after: Mapping[str, Any], __: Names, ___: ZoneInfo
) -> list[str]:
    day = _date(after.get("meets_on"))
    return [f"On {_day(day)}"] if day else []


def _rotation_swapped(
    before: Mapping[str, Any], _: Mapping[str, Any], names: Names, __: ZoneInfo
) -> list[str]:
    first, second = before.get("first"), before.get("second")
    if not (isinstance(first, list) and isinstance(second, list) and first[1:] and second[1:]):
        return []
    return [f"{names.member(first[1])} and {names.member(second[1])} swapped their slots"]


def _rotation_assigned(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Names, _: ZoneInfo
) -> list[str]:
    was, now = names.member(before.get("member_id")), names.member(after.get("member_id"))
    return [f"Presenter: {was} {ARROW} {now}"]


def _rotation_outcome(
    _: Mapping[str, Any], after: Mapping[str, Any], names: Names, __: ZoneInfo
) -> list[str]:
    outcome = OUTCOMES.get(str(after.get("outcome")), str(after.get("outcome")))
    return [f"{names.member(after.get('member_id'))} {outcome}"]


_DESCRIBERS = {
    "roster.saved": _roster_saved,
    "roster.completed": _roster_completed,
    "roster.reopened": _roster_reopened,
    "meeting.cancelled": _meeting_cancelled,
    "meeting.moved": _meeting_moved,
    "meeting.added": _meeting_added,
    "rotation.swapped": _rotation_swapped,
    "rotation.assigned": _rotation_assigned,
    "rotation.outcome": _rotation_outcome,
}


def _rotation_members(record: Mapping[str, Any]) -> set[int]:
    found = {_as_id(record.get("member_id"))}
    for slot in (record.get("first"), record.get("second")):
        if isinstance(slot, list) and len(slot) > 1:
            found.add(_as_id(slot[1]))
    return {member_id for member_id in found if member_id is not None}


def _as_id(value: Any) -> int | None:
    """An id as the records keep it (an int, or a JSON object key: a string of digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value: Any, zone: ZoneInfo) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(zone)


def _day(value: date) -> str:
    """``Wednesday 2 Dec 2026``."""
    return f"{value:%A} {value.day} {value:%b %Y}"
