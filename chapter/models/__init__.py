"""All models, imported so that Alembic and the mappers see every table."""

from chapter.models.audit import AuditEvent
from chapter.models.chapters import Chapter
from chapter.models.members import Member
from chapter.models.users import User

__all__ = ["AuditEvent", "Chapter", "Member", "User"]
