"""The Content-Security-Policy forbids inline script and style: no template may carry any."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "templates"
# E-mail, not pages: never served under the CSP, and mail clients drop linked stylesheets, so
# the scheduled mail's layout carries its styles in the message (it has no script).
MAIL_LAYOUTS = {ROOT / "digests" / "_mail.html"}
TEMPLATES = sorted(set(ROOT.rglob("*.html")) - MAIL_LAYOUTS)


def test_mail_layouts_have_no_script() -> None:
    for path in MAIL_LAYOUTS:
        source = path.read_text()
        assert "<script" not in source
        assert not re.search(r"\son[a-z]+=\"", source)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_no_inline_script_style_or_event_handler(path: Path) -> None:
    source = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert "<style" not in source, "inline <style>"
    assert not re.search(r"\sstyle=\"", source), "style attribute"
    assert not re.search(r"\son[a-z]+=\"", source), "inline event handler"
