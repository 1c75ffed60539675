# What a parent reads: prompts, answers, set-up, settings, history, co-parents. Telegram HTML.
# Variables in { $braces } are filled by the bot; anything a person typed arrives already escaped.

## A prompt
prompt-for = for { $name }
prompt-minutes = { $minutes } min
prompt-body =
    🌱 <b>{ $title }</b>
    <i>{ $meta }</i>

    { $do }

    💬 <b>Try saying:</b> “{ $say }”

    💡 <b>Why it helps:</b> { $why }
delivery-from-therapist = 🧑‍⚕️ <b>From { $name }</b> — a prompt for this week
delivery-custom-title = 🌱 <b>Something to try</b>
reflect-generic = What did you notice in your child — and in yourself — while you tried it?
nudge-again-header = ⏰ <i>Here it is again, as you asked.</i>
nudge-therapist-title = the prompt from { $name }
nudge-generic-title = today's prompt
nudge =
    🌿 A gentle reminder: <b>{ $title }</b> is still waiting for you.
    Even two minutes counts. And if today isn't the day, Skip is fine too.

## The answer, shown on the prompt
status-tried = { $rating ->
    [none] ✅ <b>You tried this</b>
   *[other] ✅ <b>You tried this</b> · { $rating }
}
status-skipped = ⏭ <b>Skipped</b> — that's fine. Another one will come.
outcome-tried = { $rating ->
    [none] ✅ tried
   *[other] ✅ tried · { $rating }
}
outcome-skipped = ⏭ skipped
outcome-unanswered = · no answer yet

## Buttons under a prompt
btn-tried = ✅ We tried it
btn-skip = ⏭ Skip
btn-later = ⏰ Later today
btn-tried-after-all = ✅ We tried it after all
btn-skip-instead = ⏭ Skip instead
btn-rating-3 = 😊 Went well
btn-rating-2 = 😐 So-so
btn-rating-1 = 😣 It was hard

## Welcome, privacy, help
welcome =
    👋 <b>Hello! I'm a small helper for emotion coaching at home.</b>

    A few times a week I send you one short idea to try with your child: naming feelings with a toddler, swapping roles in a story with a school-age kid, or a calm talk with a teen. Each takes a few minutes, at a time you choose. You tap “we tried it” and, if you like, say how it went.

    <b>What I am not:</b> I'm not a therapist, and nobody watches this chat. If anyone is in danger, call your local emergency number.

    <b>What I store if you agree:</b> your Telegram id, your children's nicknames (optional) and birth month and year, your timezone and schedule, and your answers. Nothing is shared. You can export or delete it all at any time with /export and /delete.

    Is that OK with you?
privacy =
    🔒 <b>Privacy</b>

    • Stored: your Telegram id; each child's nickname (optional) and birth month and year; your timezone, send time and days; which prompts you got and your answers, with any note you write; the language I write to you in.
    • Not stored: your name, your phone number, your messages to me other than notes you choose to add. Messages that look like a crisis are never stored.
    • Nobody reads this chat. I'm not a therapist and can't help in an emergency.
    • /export sends you all of your family's data as a file. /delete erases it for good.
    • The person who runs this bot can see the database on their server.
help =
    Here's what I can do:

    /prompt — an idea to try right now
    /help_now — a few steps for a hard moment (tantrum, sibling fight, slammed door…)
    /history — what you've tried so far · /progress — the same as a picture
    /settings — time, days, timezone, children, reminders, co-parents
    /pause — take a break · /resume — start again
    /privacy — what I store · /language — change the language
    /export — your data as a file · /delete — erase everything

    I'm not a therapist and nobody monitors this chat. In an emergency, call your local emergency number.
need-start = Let's get you set up first: tap /start. It takes under two minutes.
need-setup = We're not quite done setting up. Tap /start to pick up where we left off.
fallback = I'm not sure what you mean, but here's what I can do.

    { help }
only-text = I can only read text messages. { help }
text-too-long = That message is too long for me to read. Could you make it shorter?
welcome-back = 👋 Welcome back! Your prompts will start again. Next idea: { $next }.
already-set-up = You're all set. Next idea: { $next }.

    { help }
next-not-scheduled = not scheduled
next-paused = paused until you tap /start
btn-agree = ✅ I agree — let's begin
btn-what-stored = 🔒 What exactly do you store?

## A child
ask-nickname =
    👶 <b>Let's add your child.</b>

    What do you call them? A nickname or first initial is plenty (up to 32 characters). Or tap Skip and I'll say “your child”.
ask-nickname-more = 👶 What do you call this child? Type a nickname, or tap Skip.
nickname-too-long = That's a little long for a nickname. Could you keep it under 32 characters?
nickname-empty = I didn't catch a nickname there. Type one, or tap Skip.
btn-skip-plain = Skip
ask-birth = 🎂 When was { $name } born? Tap the year, or type the month and year, like <code>2023-05</code>, <code>05/2023</code> or <code>May 2023</code>.
ask-birth-unnamed = 🎂 When was your child born? Tap the year, or type the month and year, like <code>2023-05</code>, <code>05/2023</code> or <code>May 2023</code>.
birth-pick-month = <b>{ $year }</b> — And the month?
birth-unclear = Sorry, I couldn't read that as a month and year. Try <code>2023-05</code>, <code>05/2023</code> or <code>May 2023</code> — or tap a year above.
birth-future = That date is still in the future. Could you check the month and year?
birth-too-young = My ideas start at age one, when little ones begin to show big feelings you can name together. You're welcome to add a child who's at least one year old — and come back for this one later. Try another month and year?
birth-too-old = My ideas are written for children up to 17. For an adult child I don't have the right words, I'm afraid. Want to try another month and year?
birth-invalid = Hmm, that date doesn't look right. Try something like <code>2021-09</code>.
child-added = ✅ Added: <b>{ $name }</b> ({ $band }). Is there another child you'd like ideas for?
child-added-unnamed = ✅ Added: <b>Your child</b> ({ $band }). Is there another child you'd like ideas for?
too-many-children = You've added as many children as I can hold. You can remove one in /settings.
btn-quick-start = 🚀 Start now with the usual plan
btn-add-another = ➕ Add another child
btn-kids-done = That's everyone — let me choose time and days

## Timezone, time, days
ask-tz = 🌍 <b>Which timezone are you in?</b> Tap one, or type a city or zone name like <code>Europe/Berlin</code> or <code>Chicago</code>.
tz-unknown = I don't know that timezone. Try the name of a big city near you, or a zone like <code>America/New_York</code>.
tz-which-offset = Which of these is yours? They are at { $offset } right now, and each follows its own summer time.
tz-got-it =
    🌍 { $zone } — got it.

    { ask-time }
ask-time = 🕖 <b>What time suits you for a short idea?</b> Pick a time when you're usually with your child. Tap one, or type a time like <code>19:30</code>, <code>7pm</code> or <code>7:30 am</code>.
time-unclear = Sorry, I couldn't read that time. Try <code>19:30</code>, <code>7pm</code> or <code>7:30 am</code>.
time-quiet-note = { $part ->
    [morning] That's in the early-morning quiet hours (until 08:00). I'll still send at the time you chose, but no reminder follows it: reminders never come during quiet hours.
   *[evening] That's in the evening quiet hours (from 21:00). I'll still send at the time you chose, but no reminder follows it: reminders never come during quiet hours.
}
time-set =
    🕖 { $time } it is.{ $note }

    { ask-days }
ask-days = 📅 <b>How often?</b> Three a week is a good start. You can change it any time.
cadence-three = 3 a week (Tue, Thu, Sat)
cadence-daily = Every day
cadence-weekdays = Weekdays
cadence-weekly = Once a week (Sunday)
btn-cadence-three = 3 a week (Tue, Thu, Sat)
btn-cadence-daily = Every day
btn-cadence-weekdays = Weekdays
btn-cadence-weekly = Once a week (Sunday)
btn-own-days = 🗓 Choose my own days…
ask-own-days = 🗓 <b>Pick your days.</b> Tap to switch a day on or off, then Save. Good for shared custody or shifts.
btn-save-days = 💾 Save these days
btn-pick-a-day = Pick at least one day
toast-pick-a-day = Pick at least one day first.
all-set =
    🎉 <b>You're all set!</b>

    👶 { $children }
    🕖 { $time } ({ $zone })
    📅 { $days }
    🔔 One gentle reminder if a prompt goes unanswered (change it in /settings)

    First idea: <b>{ $next }</b>.

    Would you like your first idea right now?
quick-summary =
    🎉 <b>You're all set!</b> Here's your first idea right now.

    I picked the usual plan, and you can change any of it in /settings:
    🕖 { $time } ({ $zone })
    📅 { $days }
    🔔 One gentle reminder if a prompt goes unanswered
child-with-band = { $name } ({ $band })
your-child = your child
btn-send-now = Yes, send one now
btn-wait = I'll wait
first-wait = Great — the first one will arrive on schedule. You can always ask with /prompt.
step-gone = That step is already done. Tap /start or /settings to carry on.
toast-step-gone = That step is already done. Tap /start or /settings to carry on.

## Answers to a prompt
toast-thanks-tried = ✅ Lovely. How did it go?
toast-thanks-skipped = No problem at all. Some days are like that.
toast-thanks = Thanks for telling me.
follow-up-3 = 😊 Lovely. <b>What helped it go well?</b> One line is plenty, and it helps you do it again.
follow-up-2 = 😐 Mixed is normal, and it still counts. <b>What's one thing worth keeping for next time?</b>
follow-up-1 =
    😣 Thank you for trying: the hard ones count too.

    💡 <b>One thing to try next time:</b> { $tip }

    <b>What made it hard?</b> Naming it often makes the next try easier.
tip-default = Next time, keep it to two minutes and stop while it's still going okay.
note-invite = If you like, reply with one line. { $privacy } Or tap Skip.
note-private = It stays private to your family.
note-shared = { $names } will see it too, because you share notes with them (change that in /mytherapist).
note-saved = 📝 Saved. Thank you for taking the time.
note-skipped = That's fine. Well done for trying it.
note-too-long = That's a lovely amount to say! Could you keep the note to about 280 characters?
later-ok = ⏰ I'll bring it back at { $when }.
toast-later-ok = ⏰ I'll bring it back at { $when }.
not-sent-yet = That prompt can't be answered any more.
no-child-in-band = I don't have ideas for your children's ages right now. You can add or change a child in /settings.
prompt-send-failed = I couldn't send that just now. Please try again in a minute.
prompt-on-its-way = Telegram asked me to slow down for a moment — your idea is on its way.

## /settings
settings =
    ⚙️ <b>Your settings</b>

    🕖 Time: { $time }
    🌍 Timezone: { $zone }
    📅 Days: { $days }
    🔔 Reminders: { $nudges ->
        [on] on
       *[off] off
    }
    👶 Children: { $children }
    Status: { $status }
    Next idea: { $next }
settings-child = { $name } ({ $born })
settings-child-unnamed = child ({ $born })
settings-no-children = none yet
status-paused-until = paused until { $day }
status-active = active
status-stopped = stopped (tap /start to restart)
btn-time = 🕖 Time
btn-days = 📅 Days
btn-timezone = 🌍 Timezone
btn-children = 👶 Children
btn-reminders = { $on ->
    [on] 🔔 Reminders: on
   *[off] 🔔 Reminders: off
}
btn-coparents = 👪 Co-parents
btn-resume = ▶️ Resume
btn-pause = ⏸ Pause
tz-set = 🌍 Timezone set to { $zone }.
time-set-settings = 🕖 Time set to { $time }.{ $note }
days-set = 📅 Days: { $days }.
reminders-now = { $on ->
    [on] 🔔 Reminders on.
   *[off] 🔔 Reminders off.
}
children =
    👶 <b>Children</b>

    { $list }
children-none = None yet.
children-line = • { $name } — born { $born }{ $band }
children-line-unnamed = • Child — born { $born }{ $band }
children-band = { " " }({ $band })
btn-edit-child = ✏️ Edit { $name }
btn-remove-child = ✖ Remove { $name }
btn-add-child = ➕ Add a child
btn-back = ⬅ Back
toast-last-child = A family needs at least one child. Add another first.
toast-removed = Removed.
edit-child = ✏️ <b>{ $name }</b>, born { $born }. What would you like to change?
edit-child-unnamed = ✏️ <b>This child</b>, born { $born }. What would you like to change?
btn-change-nickname = Change the nickname
btn-change-birth = Change the birth month
ask-new-nickname = What should I call this child? Type a nickname (up to 32 characters).
nickname-changed = ✏️ Nickname changed to { $name }.
birth-changed = 🎂 Birth month changed to { $born }.

## Pause and resume
pause-ask = ⏸ <b>Take a break?</b> No prompts and no reminders until you're back.
btn-pause-week = 1 week
btn-pause-two-weeks = 2 weeks
btn-pause-until = Until a date…
pause-ask-date = Until which date? For example <code>2026-12-27</code> or <code>27 Dec</code>.
pause-date-unclear = I couldn't read that date. Try <code>2026-12-27</code> or <code>27 Dec</code>.
pause-date-past = That date has already passed. Pick a date after today.
pause-date-far = That's more than a year away. Pick a date within the next 12 months.
paused = ⏸ Paused until { $day }. No prompts and no reminders until then. Next idea: { $next }. Changed your mind? /resume
resumed = ▶️ Welcome back! Next idea: { $next }.
not-paused = You're not paused. Next idea: { $next }.

## Export and delete
export-caption = Here is all of your family's data.
nothing-stored = There's nothing stored about you. 🌱
toast-nothing-stored = There's nothing stored about you.
delete-ask =
    🗑 <b>Delete everything?</b>

    This erases your family, children, schedule, prompts and answers for good. It can't be undone. (Tip: /export first if you'd like a copy.)
delete-shared = 👪 Your co-parents share this family, so it is erased for them too. To stop only for yourself, leave instead: /settings → Co-parents.
btn-delete-yes = 🗑 Yes, delete everything
btn-cancel = Cancel
deleted = Everything is erased. Thank you for the time you spent here. If you ever want to start again, tap /start.
delete-cancelled = Nothing was deleted.
erased-by-coparent = ℹ️ Your family's data here was erased by a co-parent. Tap /start to begin again.

## History and progress
history-title = 📖 <b>Your recent prompts</b>
history-empty = 📖 No prompts yet. Your first one comes { $next }, or try /prompt now.
history-line = • { $day } — { $title }{ $child } — { $result }{ $by }
history-child = { " " }({ $name })
history-later = ⏰ coming back later today
history-no-answer = no answer yet
history-by-you = { " " }· by you
history-by-coparent = { " " }· by your co-parent
history-by-skill = <b>Tried, by skill:</b>
history-skill = { "  " }{ $skill }: { $count }
history-totals = Sent { $sent } · tried { $tried } · skipped { $skipped }
history-streak = { $weeks ->
    [one] 🔥 Streak: { $weeks } week with at least one try.
   *[other] 🔥 Streak: { $weeks } weeks in a row with at least one try.
}
history-no-streak = Try one this week to start a streak 🌱
history-picture = A picture of it all: /progress
progress-caption = { $total ->
    [0] 📈 No tries yet in the last 8 weeks. The next prompt is a fine place to start.
    [one] 📈 Your last 8 weeks: { $total } try. Every one counts.
   *[other] 📈 Your last 8 weeks: { $total } tries. Every one counts.
}
chart-per-week = Tries per week
chart-per-skill = Tries per skill
chart-none = No tries yet

## Help in the moment
help-now = 🧭 <b>Help in the moment.</b> Pick what's happening — you'll get a few short steps.
help-closest = 🧭 That sounds hard. Which of these is closest? You'll get a few short steps for it.
help-card-title = 🧭 <b>{ $title }</b> — for { $who }
help-no-card = I don't have a card for that yet.
help-hard-moment = It sounds like a hard moment. Here's something short that may help.
help-for-later = 💡 <b>For later, once things are calm</b>
toast-help-expired = This button has expired. Try /help_now.
btn-support-lines = ☎️ Support lines

## Co-parents
members-title = 👪 <b>Co-parents</b>
members-line = { $role ->
    [owner] • Caregiver { $n }{ $you } — owner
   *[caregiver] • Caregiver { $n }{ $you } — caregiver
}
members-you = { " " }(you)
members-footer = Everyone here gets the same ideas and can answer them. /history shows who answered.
btn-remove-caregiver = ✖ Remove caregiver { $n }
btn-invite-coparent = ➕ Invite a co-parent
btn-leave-family = 🚪 Leave this family
toast-only-owner-invites = Only the family's owner can invite.
invite-coparent =
    🔗 <b>Invite a co-parent</b>

    Send this link to the other parent or caregiver. It works once and expires on { $expires }:

    { $link }

    They'll see the same ideas and can answer them. They skip set-up.
remove-ask = Remove this caregiver? They stop getting ideas and can no longer see your family's history.
btn-remove-yes = Yes, remove
btn-keep = Keep them
removed-you = ℹ️ You've been removed from a family on this bot. Tap /start to set up your own.
leave-ask-last =
    🚪 <b>Leave this family?</b>

    You're the only caregiver, so leaving <b>erases your family's data for good</b>: children, schedule, prompts and answers. (Tip: /export first.)
leave-ask =
    🚪 <b>Leave this family?</b>

    You'll stop getting ideas. Your family carries on with the others.
btn-leave-yes = Yes, leave
btn-stay = Stay
left-family = You've left the family. If you'd like ideas of your own, tap /start.
coparent-left = ℹ️ A co-parent has left your family here. Everything else stays as it was.
toast-nothing-changed = Nothing changed.
join-welcome =
    👋 <b>Hello! You've been invited to join a family here.</b>

    I'm a small helper for emotion coaching at home. You'll get the same short ideas as the rest of your family, at the same times, and either of you can answer them.

    <b>What I am not:</b> I'm not a therapist, and nobody watches this chat. If anyone is in danger, call your local emergency number.

    <b>What I store if you agree:</b> your Telegram id and your answers, beside your family's children, schedule and answers. You can leave at any time, and /export and /delete work for you too.

    Is that OK with you?
joined = 🎉 <b>You've joined your family.</b> Ideas come at the family's time; answer them just as the others do. /history shows who answered what. Leave any time from /settings → Co-parents.
joined-next = Next idea: { $next }.
coparent-joined = 👪 A co-parent has joined your family here. They'll get the same ideas.
join-unknown = I don't recognise that invite link. Ask for a new one from the person who sent it.
join-expired = That invite link has expired (links last 3 days). Ask for a new one.
join-used = That invite link has already been used. Each link works once.
join-full = That family already has as many caregivers as I can hold.
join-has_family = You already have a family set up here. To join another, first leave yours (/settings → Co-parents) or /delete it.
history-therapist-prompt = A prompt from your therapist
history-a-prompt = A prompt
