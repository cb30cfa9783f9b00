"""The Content-Security-Policy forbids inline script and style: no template may carry any."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_no_inline_script_style_or_event_handler(path: Path) -> None:
    source = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert "<style" not in source, "inline <style>"
    assert not re.search(r"\sstyle=\"", source), "style attribute"
    assert not re.search(r"\son[a-z]+=\"", source), "inline event handler"
