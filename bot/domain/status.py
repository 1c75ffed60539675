"""The bare status strings stored in the database, as StrEnums: they compare equal to the stored text."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    owner = "owner"
    caregiver = "caregiver"


class DeliveryStatus(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    missed = "missed"


class Outcome(StrEnum):
    tried = "tried"
    skipped = "skipped"


class TherapistStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    revoked = "revoked"


class LinkStatus(StrEnum):
    active = "active"
    revoked = "revoked"


class AssignmentStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    expired = "expired"
    cancelled = "cancelled"
