"""What the bot says, in English. Kept apart from handlers so tone can be reviewed in one place."""

from __future__ import annotations

WELCOME = (
    "👋 <b>Hello! I'm a small helper for emotion coaching at home.</b>\n\n"
    "A few times a week I send you one short idea to try with your child: naming feelings with a toddler, "
    "swapping roles in a story with a school-age kid, or a calm talk with a teen. Each takes a few minutes, "
    "at a time you choose. You tap “we tried it” and, if you like, say how it went.\n\n"
    "<b>What I am not:</b> I'm not a therapist, and nobody watches this chat. If anyone is in danger, "
    "call your local emergency number.\n\n"
    "<b>What I store if you agree:</b> your Telegram id, your children's nicknames (optional) and birth "
    "month and year, your timezone and schedule, and your answers. Nothing is shared. You can export or "
    "delete it all at any time with /export and /delete.\n\n"
    "Is that OK with you?"
)
PRIVACY = (
    "🔒 <b>Privacy</b>\n\n"
    "• Stored: your Telegram id; each child's nickname (optional) and birth month and year; your timezone, "
    "send time and days; which prompts you got and your answers, with any note you write.\n"
    "• Not stored: your name, your phone number, your messages to me other than notes you choose to add. "
    "Messages that look like a crisis are never stored.\n"
    "• Nobody reads this chat. I'm not a therapist and can't help in an emergency.\n"
    "• /export sends you all of your family's data as a file. /delete erases it for good.\n"
    "• The person who runs this bot can see the database on their server."
)
HELP = (
    "Here's what I can do:\n\n"
    "/prompt — an idea to try right now\n"
    "/help_now — a few steps for a hard moment (tantrum, sibling fight, slammed door…)\n"
    "/history — what you've tried so far · /progress — the same as a picture\n"
    "/settings — time, days, timezone, children, reminders, co-parents\n"
    "/pause — take a break · /resume — start again\n"
    "/privacy — what I store\n"
    "/export — your data as a file · /delete — erase everything\n\n"
    "I'm not a therapist and nobody monitors this chat. In an emergency, call your local emergency number."
)
NEED_START = "Let's get you set up first: tap /start. It takes under two minutes."
NEED_SETUP = "We're not quite done setting up. Tap /start to pick up where we left off."

ASK_NICKNAME = (
    "👶 <b>Let's add your child.</b>\n\n"
    "What do you call them? A nickname or first initial is plenty (up to 32 characters). "
    "Or tap Skip and I'll say “your child”."
)
ASK_NICKNAME_MORE = "👶 What do you call this child? Type a nickname, or tap Skip."
NICKNAME_TOO_LONG = "That's a little long for a nickname. Could you keep it under 32 characters?"
NICKNAME_EMPTY = "I didn't catch a nickname there. Type one, or tap Skip."


def ask_birth(name: str | None) -> str:
    who = name or "your child"
    return (
        f"🎂 When was {who} born? Tap the year, or type the month and year, like <code>2023-05</code>, "
        "<code>05/2023</code> or <code>May 2023</code>."
    )


BIRTH_PICK_MONTH = "And the month?"
BIRTH_UNCLEAR = (
    "Sorry, I couldn't read that as a month and year. Try <code>2023-05</code>, <code>05/2023</code> "
    "or <code>May 2023</code> — or tap a year above."
)
BIRTH_FUTURE = "That date is still in the future. Could you check the month and year?"
BIRTH_TOO_YOUNG = (
    "My ideas start at age one, when little ones begin to show big feelings you can name together. "
    "You're welcome to add a child who's at least one year old — and come back for this one later. "
    "Try another month and year?"
)
BIRTH_TOO_OLD = (
    "My ideas are written for children up to 17. For an adult child I don't have the right words, "
    "I'm afraid. Want to try another month and year?"
)
BIRTH_INVALID = "Hmm, that date doesn't look right. Try something like <code>2021-09</code>."


def child_added(name: str | None, band_name: str) -> str:
    who = name or "Your child"
    return f"✅ Added: <b>{who}</b> ({band_name}). Is there another child you'd like ideas for?"


ASK_TZ = (
    "🌍 <b>Which timezone are you in?</b> Tap one, or type a city or zone name like "
    "<code>Europe/Berlin</code> or <code>Chicago</code>."
)
TZ_UNKNOWN = (
    "I don't know that timezone. Try the name of a big city near you, or a zone like <code>America/New_York</code>."
)
ASK_TIME = (
    "🕖 <b>What time suits you for a short idea?</b> Pick a time when you're usually with your child. "
    "Tap one, or type a time like <code>19:30</code>, <code>7pm</code> or <code>7:30 am</code>."
)
TIME_UNCLEAR = "Sorry, I couldn't read that time. Try <code>19:30</code>, <code>7pm</code> or <code>7:30 am</code>."


def time_quiet_note(hour: int) -> str:
    """Quiet hours run 21:00-08:00; a time before 08:00 sits in their early-morning end, not the evening."""
    part = "the early-morning quiet hours (until 08:00)" if hour < 12 else "the evening quiet hours (from 21:00)"
    return (
        f"That's in {part}. I'll still send at the time you chose, but no reminder follows it: "
        "reminders never come during quiet hours."
    )


ASK_DAYS = "📅 <b>How often?</b> Three a week is a good start. You can change it any time."
CADENCE_LABELS = {
    "three": "3 a week (Tue, Thu, Sat)",
    "daily": "Every day",
    "weekdays": "Weekdays",
    "weekly": "Once a week (Sunday)",
}
FIRST_NOW_OFFER = "Would you like your first idea right now?"
FIRST_WAIT = "Great — the first one will arrive on schedule. You can always ask with /prompt."
STEP_GONE = "That step is already done. Tap /start or /settings to carry on."
BUTTON_NOT_YOURS = "That button isn't one of yours, so I've ignored it."
BUTTON_EXPIRED = "This button has expired. Try /prompt or /help."

THANKS_TRIED = "✅ Lovely. How did it go?"
THANKS_SKIPPED = "No problem at all. Some days are like that."
FOLLOW_UP = {
    3: "😊 Lovely. <b>What helped it go well?</b> One line is plenty, and it helps you do it again.",
    2: "😐 Mixed is normal, and it still counts. <b>What's one thing worth keeping for next time?</b>",
    1: "😣 Thank you for trying: the hard ones count too.\n\n💡 <b>One thing to try next time:</b> {tip}\n\n"
    "<b>What made it hard?</b> Naming it often makes the next try easier.",
}
NOTE_INVITE = "If you like, reply with one line. {privacy} Or tap Skip."
NOTE_PRIVATE = "It stays private to your family."


def note_shared(names: list[str]) -> str:
    """Said only when it is true: these therapists have note sharing on for their link."""
    return f"{' and '.join(names)} will see it too, because you share notes with them (change that in /mytherapist)."


NOTE_SAVED = "📝 Saved. Thank you for taking the time."
NOTE_SKIPPED = "That's fine. Well done for trying it."
NOTE_TOO_LONG = "That's a lovely amount to say! Could you keep the note to about 280 characters?"
LATER_OK = "⏰ I'll bring it back at {when}."
NOT_SENT_YET = "That prompt can't be answered any more."
NO_CHILD_IN_BAND = "I don't have ideas for your children's ages right now. You can add or change a child in /settings."
PROMPT_SEND_FAILED = "I couldn't send that just now. Please try again in a minute."
PROMPT_ON_ITS_WAY = "Telegram asked me to slow down for a moment — your idea is on its way."

PAUSE_ASK = "⏸ <b>Take a break?</b> No prompts and no reminders until you're back."
PAUSE_ASK_DATE = "Until which date? For example <code>2026-12-27</code> or <code>27 Dec</code>."
PAUSE_DATE_UNCLEAR = "I couldn't read that date. Try <code>2026-12-27</code> or <code>27 Dec</code>."
PAUSE_DATE_PAST = "That date has already passed. Pick a date after today."
PAUSE_DATE_FAR = "That's more than a year away. Pick a date within the next 12 months."
RESUMED = "▶️ Welcome back! Next idea: {next}."
NOT_PAUSED = "You're not paused. Next idea: {next}."

DELETE_ASK = (
    "🗑 <b>Delete everything?</b>\n\nThis erases your family, children, schedule, prompts and answers "
    "for good. It can't be undone. (Tip: /export first if you'd like a copy.)"
)
DELETE_SHARED = (
    "👪 Your co-parents share this family, so it is erased for them too. To stop only for yourself, leave instead: "
    "/settings → Co-parents."
)
DELETED = "Everything is erased. Thank you for the time you spent here. If you ever want to start again, tap /start."
DELETE_CANCELLED = "Nothing was deleted."
EXPORT_CAPTION = "Here is all of your family's data."

WELCOME_BACK = "👋 Welcome back! Your prompts will start again. Next idea: {next}."
ALREADY_SET_UP = "You're all set. Next idea: {next}.\n\n" + HELP
BLOCKED_REACTIVATED = "👋 Welcome back! I'll start sending ideas again. Next one: {next}."
TEXT_TOO_LONG = "That message is too long for me to read. Could you make it shorter?"
FALLBACK = "I'm not sure what you mean, but here's what I can do.\n\n" + HELP

# ---- co-parents -------------------------------------------------------------------------------------------

JOIN_WELCOME = (
    "👋 <b>Hello! You've been invited to join a family here.</b>\n\n"
    "I'm a small helper for emotion coaching at home. You'll get the same short ideas as the rest of your "
    "family, at the same times, and either of you can answer them.\n\n"
    "<b>What I am not:</b> I'm not a therapist, and nobody watches this chat. If anyone is in danger, "
    "call your local emergency number.\n\n"
    "<b>What I store if you agree:</b> your Telegram id and your answers, beside your family's children, "
    "schedule and answers. You can leave at any time, and /export and /delete work for you too.\n\n"
    "Is that OK with you?"
)
JOINED = (
    "🎉 <b>You've joined your family.</b> Ideas come at the family's time; answer them just as the others do. "
    "/history shows who answered what. Leave any time from /settings → Co-parents."
)
JOIN_PROBLEMS = {
    "unknown": "I don't recognise that invite link. Ask for a new one from the person who sent it.",
    "expired": "That invite link has expired (links last 3 days). Ask for a new one.",
    "used": "That invite link has already been used. Each link works once.",
    "full": "That family already has as many caregivers as I can hold.",
    "has_family": (
        "You already have a family set up here. To join another, first leave yours (/settings → Co-parents) "
        "or /delete it."
    ),
}
QUICK_SUMMARY = (
    "🎉 <b>You're all set!</b> Here's your first idea right now.\n\n"
    "I picked the usual plan, and you can change any of it in /settings:\n"
    "🕖 {time} ({zone})\n📅 {days}\n🔔 One gentle reminder if a prompt goes unanswered"
)
ASK_OWN_DAYS = "🗓 <b>Pick your days.</b> Tap to switch a day on or off, then Save. Good for shared custody or shifts."


def days_text(cadence: str, days: frozenset[int]) -> str:
    """The plan's days in words: a named cadence, or the custom days themselves."""
    if cadence in CADENCE_LABELS:
        return CADENCE_LABELS[cadence]
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return ", ".join(names[d] for d in sorted(days))
