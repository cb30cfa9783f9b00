"""factory_boy factories on the Flask-SQLAlchemy session (persistence: flush)."""

from __future__ import annotations

from datetime import date, time

import argon2
import factory
from factory.alchemy import SQLAlchemyModelFactory

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.members.identity import classification_key
from chapter.members.models import Member
from chapter.members.roles import MemberStatus

PASSWORD = "correct horse battery"
# Precomputed with the cheapest argon2 profile (what TestingConfig uses): hashing is slow.
PASSWORD_HASH = argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST).hash(PASSWORD)
FIRST_NAMES = ("Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Gus", "Hana")


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class ChapterFactory(Base):
    class Meta:
        model = Chapter

    name = factory.Sequence(lambda n: f"Chapter {n}")
    meeting_weekday = 3
    meeting_time = time(7, 0)
    timezone = "UTC"
    location = "Town hall"
    currency = "USD"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password_hash = PASSWORD_HASH
    is_platform_admin = False


class MemberFactory(Base):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    chapter = factory.SubFactory(ChapterFactory)
    business_name = factory.Sequence(lambda n: f"Business {n} Ltd")
    classification = factory.Sequence(lambda n: f"Profession {n}")
    classification_key = factory.LazyAttribute(lambda o: classification_key(o.classification))
    phone = "+1 555 0100"
    website = "https://example.test"
    joined_on = date(2024, 1, 15)
    renewal_on = date(2027, 1, 15)
    status = MemberStatus.ACTIVE
    left_on = factory.LazyAttribute(
        lambda o: date(2026, 1, 1) if o.status is MemberStatus.LEFT else None
    )
