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


# An imported member's classification until a leader enters theirs: "Unassigned (Name)"
# (marked, and unique per person so the one-classification-per-chapter rule still holds).
UNASSIGNED = "Unassigned"
# Imported people without an address get one that can never receive mail (RFC 2606).
PLACEHOLDER_EMAIL_DOMAIN = "imported.invalid"

HONORIFICS = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame",
        "shri", "shree", "sri", "smt", "smti", "kumari", "herr", "frau", "mme", "mlle",
        "adv", "engr", "capt", "rev", "hon",
    }
)  # fmt: skip


def is_honorific(word: str) -> bool:
    """Mr., Mrs, Dr., Shri, Smt., Herr, Frau...: a title, not a name (case and dots aside)."""
    return word.strip().rstrip(".").casefold() in HONORIFICS


def without_honorifics(name: str) -> str:
    """The name with its leading titles and extra spaces dropped: "Dr.  Ana  Ruiz" -> "Ana
    Ruiz". A name that is nothing but a title is kept as it is."""
    words = name.split()
    while len(words) > 1 and is_honorific(words[0]):
        words.pop(0)
    return " ".join(words)


def split_name(name: str) -> tuple[str, str]:
    """First name and last name of a full name, as a roster gives them: the titles dropped,
    the first word is the first name and the rest the last name ("Ana Maria Ruiz" -> "Ana",
    "Maria Ruiz"); one word is a first name with no last name."""
    first, _, last = without_honorifics(name).partition(" ")
    return first, last
