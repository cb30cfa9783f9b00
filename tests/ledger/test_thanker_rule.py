"""Who may see a thanker: one rule (chapter.ledger.rules.can_see_thanker) and one wording
(thanker_label) for the ledger page, its CSV and the giver's notice."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from chapter.ledger.rules import HIDDEN_THANKER, NO_THANKER, can_see_thanker, thanker_label

THANKER, GIVER, LEADER = 1, 2, 3
NAMES = {THANKER: "Theo Thankful", GIVER: "Gina Giver", LEADER: "Lee Leader"}


@dataclass(frozen=True)
class Thanks:
    thanker_id: int | None
    giver_id: int
    reveal_thanker: bool


def test_the_thanker_always_sees_themselves() -> None:
    assert can_see_thanker(THANKER, Thanks(THANKER, GIVER, reveal_thanker=False))


def test_the_giver_sees_the_thanker_only_when_allowed() -> None:
    assert can_see_thanker(GIVER, Thanks(THANKER, GIVER, reveal_thanker=True))
    assert not can_see_thanker(GIVER, Thanks(THANKER, GIVER, reveal_thanker=False))


def test_nobody_else_sees_a_thanker_leaders_and_exports_included() -> None:
    revealed = Thanks(THANKER, GIVER, reveal_thanker=True)
    assert not can_see_thanker(LEADER, revealed)
    assert not can_see_thanker(None, revealed)  # the chapter: reports, exports, downloads


def test_one_wording_everywhere() -> None:
    assert thanker_label(GIVER, Thanks(THANKER, GIVER, True), NAMES) == "Theo Thankful"
    assert thanker_label(GIVER, Thanks(THANKER, GIVER, False), NAMES) == HIDDEN_THANKER
    assert thanker_label(LEADER, Thanks(THANKER, GIVER, True), NAMES) == HIDDEN_THANKER
    assert thanker_label(GIVER, Thanks(None, GIVER, True), NAMES) == NO_THANKER == "Imported"
    assert HIDDEN_THANKER == "A member (private)"


@given(
    viewer=st.one_of(st.none(), st.integers(1, 6)),
    thanker=st.one_of(st.none(), st.integers(1, 6)),
    giver=st.integers(1, 6),
    reveal=st.booleans(),
)
def test_a_thanker_is_seen_by_at_most_the_thanker_and_the_giver(
    viewer: int | None, thanker: int | None, giver: int, reveal: bool
) -> None:
    seen = can_see_thanker(viewer, Thanks(thanker, giver, reveal))
    if seen:
        assert viewer is not None
        assert thanker is not None
        assert viewer == thanker or (viewer == giver and reveal)
    label = thanker_label(viewer, Thanks(thanker, giver, reveal), NAMES | {4: "D", 5: "E", 6: "F"})
    assert (label not in (HIDDEN_THANKER, NO_THANKER)) == seen
