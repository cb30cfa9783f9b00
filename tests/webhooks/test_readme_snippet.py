"""The README's verification snippet accepts what the sender signs and rejects a replay, a
changed body and another secret (run from the README's own text)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chapter.webhooks import signing
from tests.support import clock

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet() -> Any:
    [code] = [
        block
        for block in re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
        if "def verify_chapter_webhook" in block
    ]
    scope: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - our own README
    return scope["verify_chapter_webhook"]


def test_the_readme_snippet_verifies_a_signed_delivery_and_rejects_a_replay() -> None:
    verify = snippet()
    secret, body = signing.new_secret(), b'{"type":"slip.passed"}'
    now = int(clock.now().timestamp())
    headers = signing.headers(
        secret, event_id="e", event_kind="slip.passed", timestamp=now, body=body
    )
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body + b" ")
    assert not verify(signing.new_secret(), headers, body)
    old = signing.headers(
        secret, event_id="e", event_kind="slip.passed", timestamp=now - 600, body=body
    )
    assert not verify(secret, old, body)
