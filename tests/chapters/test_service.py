"""Chapter settings in the service layer: the rotation follows them (no HTTP)."""

from __future__ import annotations

from chapter.chapters import service as chapters
from chapter.chapters.service import ChapterSettings
from tests.support.rotation_crew import TODAY, chapter_with_rotation, is_up_to_date, presenters


def test_two_presenters_per_meeting_fill_the_unconfirmed_slots(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    settings = ChapterSettings(
        location="Town hall", absence_limit=3, presenters_per_meeting=2, rotation_grace_weeks=4
    )
    changes = chapters.update_settings(chapter, settings, actor=crew[0].user, today=TODAY)
    assert changes
    counts = [len(ids) for _, ids in presenters(chapter)]
    assert counts[:2] == [1, 1]  # confirmed meetings keep what they had
    assert set(counts[2:]) == {2}
    assert is_up_to_date(chapter)
