"""How people and professions are recognised: e-mail normalisation, classification keys."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def classification_key(classification: str) -> str:
    """Two classifications are the same profession when they differ only in case or spacing."""
    return _SPACES.sub(" ", classification.strip()).casefold()
