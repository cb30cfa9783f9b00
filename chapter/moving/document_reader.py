"""Reading a chapter document: each object field by field, checked and converted for the
models; a RuleViolation says where the document is wrong and what is expected."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from chapter.errors import RuleViolation
from chapter.members.identity import normalise_email
from chapter.moving.document_format import MAX_INT, Field


class Record:
    """One object of a document, read field by field; RuleViolation says where and what."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise RuleViolation(f"{where} must be an object.")
        self.data = data
        self.where = where

    def fail(self, key: str, problem: str) -> RuleViolation:
        return RuleViolation(f"{self.where}.{key}: {problem}.")

    def raw(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(key, "missing")
        return self.data[key]

    def read(self, fields: tuple[Field, ...]) -> dict[str, Any]:
        """The values of ``fields``, checked and converted for the model."""
        return {field.name: self.value(field) for field in fields}

    def value(self, field: Field) -> Any:
        if field.name not in self.data and field.default is not None:
            return field.default  # a field newer than the document
        value = self.raw(field.name)
        if value is None:
            if field.optional:
                return None
            raise self.fail(field.name, "must not be empty (null)")
        reader = getattr(self, f"_{field.kind}")
        return reader(field, value)

    def _text(self, field: Field, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(field.name, "must be text")
        if field.max_length is not None and len(value) > field.max_length:
            raise self.fail(field.name, f"is longer than {field.max_length} characters")
        return value

    def _int(self, field: Field, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field.name, "must be a whole number")
        low, high = field.low, field.high
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(field.name, f"must be between {low} and {high}")
        return value

    def _bool(self, field: Field, value: Any) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field.name, "must be true or false")
        return value

    def _date(self, field: Field, value: Any) -> date:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(field.name, "must be a date like 2026-11-23") from None

    def _moment(self, field: Field, value: Any) -> datetime:
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.fail(field.name, "must be a date and time with its UTC offset")
        return moment.astimezone(UTC)

    def _time(self, field: Field, value: Any) -> time:
        try:
            return time.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(field.name, "must be a time like 07:00:00") from None

    def _choice(self, field: Field, value: Any) -> StrEnum:
        assert field.choices is not None  # noqa: S101 - every choice field names its enum
        try:
            return field.choices(value)
        except ValueError:
            allowed = ", ".join(item.value for item in field.choices)
            raise self.fail(field.name, f"must be one of {allowed}") from None

    def _json(self, field: Field, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field.name, "must be an object or null")
        return value

    def email(self, key: str, *, optional: bool = False) -> str | None:
        """A member reference: their e-mail address (normalised)."""
        value = self.raw(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or "@" not in value or len(value) > 254:
            raise self.fail(key, "must be an e-mail address")
        return normalise_email(value)

    def number(self, key: str, *, optional: bool = False) -> int | None:
        """A reference by export-local number (or the record's own number)."""
        value = self.raw(key)
        if value is None and optional:
            return None
        return self._int(Field(key, "int", low=1, high=MAX_INT), value)

    def records(self, key: str, *, added_later: bool = False) -> list[Record]:
        """The objects of a list field (none where a section ``added_later`` is missing)."""
        if added_later and key not in self.data:
            return []
        value = self.raw(key)
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return [Record(item, f"{self.where}.{key}[{index}]") for index, item in enumerate(value)]

    def record(self, key: str) -> Record:
        return Record(self.raw(key), f"{self.where}.{key}")
