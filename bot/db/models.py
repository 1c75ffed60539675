"""SQLAlchemy models. The database is the source of truth for schedules and deliveries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.domain.status import Role

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every backend, returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _partial(name: str, column: str, where: str, sqlite_where: str | None = None) -> Index:
    """A partial index, on both backends. Its WHERE must read like the claim's own, or the planner won't use it."""
    return Index(name, column, postgresql_where=text(where), sqlite_where=text(sqlite_where or where))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime(), time: Time()}


class Family(Base):
    __tablename__ = "families"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    send_time: Mapped[time] = mapped_column(Time, default=time(19, 30))
    cadence: Mapped[str] = mapped_column(String(16), default="three")
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    custom_days: Mapped[int | None] = mapped_column(SmallInteger)  # weekday bitmask when cadence is custom
    paused_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_send_at: Mapped[datetime | None] = mapped_column(index=True)
    onboarded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        _partial(
            "ix_families_due",
            "next_send_at",
            "active IS true AND onboarded_at IS NOT NULL",
            "active IS 1 AND onboarded_at IS NOT NULL",
        ),
    )

    caregivers: Mapped[list[Caregiver]] = relationship(
        back_populates="family", cascade="all, delete-orphan", passive_deletes=True
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="family",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Child.position",
    )


class Caregiver(Base):
    __tablename__ = "caregivers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.owner.value)
    language_code: Mapped[str | None] = mapped_column(String(8))
    consented_at: Mapped[datetime]
    blocked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    family: Mapped[Family] = relationship(back_populates="caregivers")


class Child(Base):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str | None] = mapped_column(String(32))
    birth_year: Mapped[int] = mapped_column(SmallInteger)
    birth_month: Mapped[int] = mapped_column(SmallInteger)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[datetime]

    family: Mapped[Family] = relationship(back_populates="children")

    __table_args__ = (CheckConstraint("birth_month BETWEEN 1 AND 12", name="birth_month_range"),)


class Delivery(Base):
    """One prompt for one family and one child at one slot; the unit of idempotent work."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"), index=True)
    prompt_id: Mapped[str | None] = mapped_column(String(64))
    band: Mapped[str | None] = mapped_column(String(32))
    skill: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | now
    slot_at: Mapped[datetime]
    # queued -> sending -> sent | failed; or missed (slot passed during downtime)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime | None]
    # While claimed (status 'sending', or nudge_status 'sending'): which instance holds it and until when.
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    nudge_due_at: Mapped[datetime | None]
    nudge_status: Mapped[str | None] = mapped_column(String(16))  # sending | sent | cancelled | failed
    nudged_at: Mapped[datetime | None]
    remind_later: Mapped[bool] = mapped_column(Boolean, default=False)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    response: Mapped[Response | None] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )

    __table_args__ = (
        UniqueConstraint("family_id", "kind", "slot_at"),
        Index("ix_deliveries_family_id_slot_at", "family_id", "slot_at"),
        # The engine's claims each read a small partial index, however many historical rows there are.
        _partial("ix_deliveries_queued", "next_attempt_at", "status = 'queued'"),
        _partial("ix_deliveries_sending_lease", "lease_until", "status = 'sending'"),
        _partial(
            "ix_deliveries_nudge_due",
            "nudge_due_at",
            "status = 'sent' AND nudge_status IS NULL AND nudge_due_at IS NOT NULL",
        ),
        _partial("ix_deliveries_nudge_lease", "lease_until", "nudge_status = 'sending'"),
    )


class Response(Base):
    """The family's answer to a delivery. One per delivery: pressing again updates it."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), unique=True)
    caregiver_id: Mapped[int | None] = mapped_column(ForeignKey("caregivers.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(16))  # tried | skipped
    rating: Mapped[int | None] = mapped_column(SmallInteger)  # 1 hard, 2 so-so, 3 went well
    note: Mapped[str | None] = mapped_column(Text)
    note_at: Mapped[datetime | None]  # when the note was written: sharing covers notes written while it is on
    answered_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    delivery: Mapped[Delivery] = relationship(back_populates="response")

    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 3", name="rating_range"),
        CheckConstraint("outcome IN ('tried', 'skipped')", name="outcome_values"),
    )


class FsmRecord(Base):
    """aiogram FSM state kept in the database, so conversations survive restarts and span instances."""

    __tablename__ = "fsm_states"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(128))
    data: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class Therapist(Base):
    """A family therapist, approved by an admin before any therapist command works."""

    __tablename__ = "therapists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(8))  # their own choice (/language), else Telegram's
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|approved|declined|revoked
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    next_digest_at: Mapped[datetime | None] = mapped_column(index=True)


class ClientInvite(Base):
    """A one-time deep-link code a therapist gives a family. Random, expiring, used once."""

    __tablename__ = "client_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id", ondelete="SET NULL"))


class TherapistLink(Base):
    """Exists only after the family accepted; the family can revoke it at any time."""

    __tablename__ = "therapist_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"))
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | revoked
    accepted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Chosen per link on the consent screen, off by default. Only notes written since it was last turned on
    # are visible, so turning it on never reveals notes written as private.
    share_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    notes_shared_since: Mapped[datetime | None]
    quiet_alert_at: Mapped[datetime | None]  # the therapist was told this family went quiet

    __table_args__ = (UniqueConstraint("therapist_id", "family_id"),)


class Assignment(Base):
    """A therapist's prompt for one family for one week: a library prompt or their own text."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"), index=True)
    prompt_id: Mapped[str | None] = mapped_column(String(64))
    custom_text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(String(300))
    week_start: Mapped[date] = mapped_column(Date)
    # When it goes out; replaces_slot means it takes the place of the family's library prompt at that slot.
    deliver_at: Mapped[datetime] = mapped_column(index=True)
    replaces_slot: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # AssignmentStatus
    created_at: Mapped[datetime]


class CaregiverInvite(Base):
    """A one-time deep-link code the owner gives a co-parent. Random, expiring, used once."""

    __tablename__ = "caregiver_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class TherapistDecision(Base):
    """Each request and admin decision, so a therapist who applies again shows their history."""

    __tablename__ = "therapist_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # TherapistStatus
    at: Mapped[datetime]
    by: Mapped[int | None] = mapped_column(BigInteger)


class Outbox(Base):
    """A one-off message (a therapist's weekly digest) queued in the same transaction that decided to send it,
    then sent by the engine with the same claim, lease and retry rules as a prompt."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # digest
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | sending | sent | failed
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    __table_args__ = (
        _partial("ix_outbox_queued", "next_attempt_at", "status = 'queued'"),
        _partial("ix_outbox_sending_lease", "lease_until", "status = 'sending'"),
    )
