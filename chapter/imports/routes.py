"""Imports (leaders): upload, preview, confirm, undo."""

from __future__ import annotations

from chapter.imports import bp  # noqa: F401
