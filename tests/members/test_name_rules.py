"""Names of imported people: titles are not first names; a full name splits as a roster
would (first word, then the rest)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.members.identity import (
    HONORIFICS,
    is_honorific,
    split_name,
    without_honorifics,
)


@pytest.mark.parametrize(
    ("full", "first", "last"),
    [
        ("Mr. John Smith", "John", "Smith"),
        ("Mrs Jane Doe", "Jane", "Doe"),
        ("Dr.  Ana   Maria Ruiz", "Ana", "Maria Ruiz"),
        ("Shri Ravi Kumar Iyer", "Ravi", "Kumar Iyer"),
        ("Smt. Lakshmi Rao", "Lakshmi", "Rao"),
        ("Herr Prof. Klaus Weber", "Klaus", "Weber"),
        ("Frau Anna Schmidt", "Anna", "Schmidt"),
        ("MX Sam Lee", "Sam", "Lee"),
        ("Ana Maria Ruiz", "Ana", "Maria Ruiz"),
        ("Madonna", "Madonna", ""),
        ("Dr.", "Dr.", ""),  # nothing but a title: kept, not lost
        ("Drake Miles", "Drake", "Miles"),  # a name that starts like a title is a name
    ],
)
def test_titles_are_dropped_and_the_rest_splits_first_then_last(full, first, last) -> None:
    assert split_name(full) == (first, last)


@pytest.mark.parametrize("title", ["Mr.", "mrs", "MS.", "Miss", "Dr", "Prof.", "Shri", "Smt."])
def test_titles_are_known_with_or_without_a_dot_in_any_case(title) -> None:
    assert is_honorific(title)


words = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=8)


@given(st.lists(st.sampled_from(sorted(HONORIFICS)), max_size=3), st.lists(words, min_size=1))
def test_a_first_name_is_never_a_title_when_the_name_has_more(titles, names) -> None:
    names = [n for n in names if not is_honorific(n)] or ["Ana"]
    full = " ".join([*titles, *names])
    first, last = split_name(full)
    assert not is_honorific(first)
    assert f"{first} {last}".strip() == " ".join(names)
    assert without_honorifics(full) == " ".join(names)
