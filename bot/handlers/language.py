"""/language: a button per shipped language (its own name for itself); the choice is stored for this person
(caregiver and therapist rows alike) and the chat's command menu follows it."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot import keyboards as K
from bot.callbacks import LanguageCb
from bot.handlers.util import cb_message
from bot.i18n import Locales, Translator
from bot.i18n.commands import set_chat_menu
from bot.services.languages import LanguageService
from bot.services.therapists import TherapistService

# Someone who hasn't agreed to anything yet has no row to store a choice on: it waits in the conversation
# state until consent stores it (bot.handlers.onboarding keeps it across /start).
PENDING_KEY = "language"


def language_keyboard(locales: Locales, current: str) -> InlineKeyboardMarkup:
    rows = [
        [K.b(("✅ " if loc == current else "") + locales.catalog.native_name(loc), LanguageCb(code=loc).pack())]
        for loc in locales.shipped
    ]
    return K.kb(*rows)


async def language_cmd(message: Message, t: Translator, locales: Locales) -> None:
    await message.answer(t("language-ask"), reply_markup=language_keyboard(locales, t.locale))


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageCb,
    t: Translator,
    state: FSMContext,
    locales: Locales,
    languages: LanguageService,
    therapists: TherapistService,
    bot: Bot,
) -> None:
    msg = cb_message(query)
    locale = callback_data.code
    if locale not in locales.shipped or msg is None:
        await query.answer(t("button-expired"))
        return
    user = query.from_user.id
    if not await languages.choose(user, locale):
        await state.update_data({PENDING_KEY: locale})
    chosen = locales.translator(locale)
    await query.answer()
    await msg.edit_reply_markup(reply_markup=None)
    # The menu first: by the time the answer arrives, the chat's menu speaks the new language too.
    approved = await therapists.approved(user)
    await set_chat_menu(
        bot, user, chosen, therapist=approved is not None, admin=user in therapists.admin_ids, personal=True
    )
    await msg.answer(chosen("language-set", language=locales.catalog.native_name(locale)), parse_mode="HTML")


def setup() -> Router:
    router = Router(name="language")
    router.message.register(language_cmd, Command("language"))
    router.callback_query.register(language_chosen, LanguageCb.filter())
    return router
