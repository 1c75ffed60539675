"""Typed callback data. Parsing is aiogram's: data that doesn't fit a factory (forged, stale, from an old
version) matches no handler and gets the catch-all "expired" answer. Ids inside are still checked by services."""

from __future__ import annotations

from typing import Self

from aiogram.filters.callback_data import CallbackData


class AdminCb(CallbackData, prefix="adm"):
    action: str  # ok | no | rv (ask to confirm) | rvy (confirmed) | rvn (kept)
    therapist_id: int


class TherapistTzCb(CallbackData, prefix="tr"):
    zone: str


class ConsentCb(CallbackData, prefix="lk"):
    action: str  # ok | no | share
    code: str
    share: bool


class LinkCb(CallbackData, prefix="ln"):
    action: str  # rv (ask to confirm) | rvy (confirmed) | rvn (kept) | notes
    link_id: int


class ClientCb(CallbackData, prefix="cl"):
    link_id: int


class PendingCb(CallbackData, prefix="pd"):
    assignment_id: int


class AssignCb(CallbackData, prefix="as"):
    step: str  # f | src | b | s | p | use | nonote | w
    arg: str = ""
    extra: str = ""


class MemberCb(CallbackData, prefix="mb"):
    action: str  # invite | rm (ask) | rmy (confirmed) | leave (ask) | leavey (confirmed) | keep
    caregiver_id: int = 0


class SetupCb(CallbackData, prefix="ob"):
    action: str  # agree | privacy | nick_skip | y | m | more | kids_done | quick | tz | t | c | first_now | first_wait
    arg: str = ""
    extra: int = 0


class SettingsCb(CallbackData, prefix="st"):
    action: str  # time | days | tz | nudges | children | addchild | rm | edit | nick | birth | back | members
    child_id: int = 0


class DaysCb(CallbackData, prefix="dy"):
    """The weekday picker: each tap toggles a day; the mask carries the choice so far."""

    action: str  # toggle | save
    mask: int
    day: int = 0


class PauseCb(CallbackData, prefix="pz"):
    action: str  # menu | 7 | 14 | date | resume


class DeleteCb(CallbackData, prefix="del"):
    action: str  # yes | no


class DeliveryCb(CallbackData, prefix="d"):
    """The buttons under a prompt. Packed exactly as before typed factories ("d:t:5", "d:r:5:3"), because
    prompts already sitting in families' chats carry that form and must keep working."""

    action: str  # t tried | s skip | l later | r rating | n no note
    delivery_id: int
    arg: int | None = None

    def pack(self) -> str:
        return super().pack().removesuffix(self.__separator__)

    @classmethod
    def unpack(cls, value: str) -> Self:
        if value.count(cls.__separator__) == 2:
            value += cls.__separator__
        return super().unpack(value)


class LanguageCb(CallbackData, prefix="lang"):
    code: str  # checked against the shipped locales before use
