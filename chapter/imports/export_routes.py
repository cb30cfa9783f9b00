"""Exports (leaders): PALMS summary and slips listing in BNI Connect's columns, and JSON."""

from __future__ import annotations

from chapter.imports import bp  # noqa: F401
