"""Token rules (chapter/api/rules.py): the secret's shape, its hash, the header, the scope."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from chapter.api.rules import (
    PREFIX,
    bearer_token,
    hash_secret,
    looks_like_token,
    may_use,
    new_secret,
    visible_prefix,
)

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


def test_a_new_secret_is_random_prefixed_and_hashed_with_sha256() -> None:
    one, two = new_secret(), new_secret()
    assert one != two
    assert one.startswith(PREFIX)
    assert len(one) == len(PREFIX) + 43  # 32 random bytes, URL-safe base64
    assert looks_like_token(one)
    assert hash_secret(one) == hashlib.sha256(one.encode()).hexdigest()
    assert visible_prefix(one) == one[:12]


def test_the_bearer_header() -> None:
    secret = new_secret()
    assert bearer_token(f"Bearer {secret}") == secret
    assert bearer_token(f"bearer   {secret} ") == secret
    assert bearer_token(f"Basic {secret}") is None
    assert bearer_token("Bearer not-a-token") is None
    assert bearer_token(None) is None
    assert bearer_token("") is None


def test_a_read_token_only_reads() -> None:
    assert [m for m in METHODS if may_use(scope="read", method=m)] == ["GET", "HEAD", "OPTIONS"]
    assert all(may_use(scope="write", method=m) for m in METHODS)


@given(header=st.text(max_size=300))
def test_any_header_gives_a_well_formed_token_or_none(header: str) -> None:
    token = bearer_token(header)
    assert token is None or (looks_like_token(token) and token in header)


@given(scope=st.sampled_from(["read", "write", "", "admin"]), method=st.sampled_from(METHODS))
def test_only_write_tokens_change_anything(scope: str, method: str) -> None:
    if may_use(scope=scope, method=method) and method not in {"GET", "HEAD", "OPTIONS"}:
        assert scope == "write"


@given(text=st.text(max_size=100))
def test_hashes_are_hex_sha256_and_never_the_secret(text: str) -> None:
    digest = hash_secret(text)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest != text
