"""Webhook endpoints, the event outbox and each event's deliveries to each endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chapter.db import Base, Timestamps, UTCDateTime
from chapter.platform.enums import enum_column
from chapter.webhooks.rules import DeliveryState, EventKind


class WebhookEndpoint(Timestamps, Base):
    """A URL of the chapter's that receives the events it subscribes to, signed with its own
    secret. Never deleted: a leader disables it, and its delivery log stays readable."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    # The HMAC key; kept readable because every delivery is signed with it.
    secret: Mapped[str] = mapped_column(String(80))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)  # EventKind values
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def subscribes_to(self, kind: EventKind) -> bool:
        return kind.value in self.events


class WebhookEvent(Timestamps, Base):
    """The outbox: one row per change, written in the transaction that makes the change (so
    a rolled-back change sends nothing and a committed one is never lost)."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)  # Chapter-Webhook-Id
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "webhook_event_kind"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class WebhookDelivery(Timestamps, Base):
    """One event to one endpoint: attempted until the receiver answers 2xx or MAX_ATTEMPTS
    failed. ``round`` 0 is the original; a leader's re-send adds the next round."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id", "round"),
        Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_events.id", ondelete="RESTRICT"))
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="RESTRICT")
    )
    round: Mapped[int] = mapped_column(SmallInteger, default=0)
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState, "webhook_delivery_state"), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A run that took the delivery holds it until then (a run that died is taken over).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None]
    response_excerpt: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(String(200), default="")
    resent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    event: Mapped[WebhookEvent] = relationship(lazy="raise_on_sql")
