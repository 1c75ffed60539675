# Shared by every part of the bot: the language itself, the command menu, names of skills, anchors and bands,
# and the answers to buttons that no longer work. Messages are Telegram HTML; btn-*, cmd-* and toast-* are plain.

# The Babel locale that dates and numbers follow ("Fri 20 Mar").
locale-babel = en_GB

## /language
language-ask = 🌐 Which language would you like me to use?
language-set = ✅ From now on I'll write to you in English.

## The command menu (up to 256 characters each, plain text)
cmd-prompt = An idea to try now
cmd-history = What you've tried so far
cmd-settings = Time, days, timezone, children, reminders
cmd-pause = Take a break
cmd-resume = Start again after a pause
cmd-help_now = Help with a hard moment
cmd-progress = A picture of your progress
cmd-mytherapist = Your therapist links
cmd-therapist = Join as a family therapist
cmd-help = What I can do
cmd-privacy = What I store
cmd-language = Change the language
cmd-export = Your data as a file
cmd-delete = Erase everything
cmd-start = Start or restart
cmd-clients = Your linked families
cmd-assign = Push a prompt for the week
cmd-pending = Prompts waiting to go out
cmd-invite = Invite a client family
cmd-report = CSV of your caseload's outcomes
cmd-therapists = Therapist requests and approvals

## Dates: a day and a time
date-at-time = { $day } at { $time }

## Buttons that can't act any more
button-expired = This button has expired. Try /prompt or /help.
button-not-yours = That button isn't one of yours, so I've ignored it.
private-only = I work in a private chat. Tap my name and send /start there.

## Who a prompt is about, when the family gave no nickname
child-fallback = { $band ->
    [teen] your teen
   *[other] your child
}

## Age bands (one per band in content/bands.yaml)
band-toddler = Toddler
band-school = School-age
band-teen = Teen

## Skills
skill-notice = Noticing feelings
skill-connect = Connecting
skill-validate = Listening and validating
skill-name = Naming feelings
skill-limits = Limits and problem-solving
skill-perspective = Perspective taking
skill-reflection = Reflection
skill-repair = Repair after conflict
skill-calm = Your own calm

## Everyday anchors
anchor-meal = at a meal
anchor-car = in the car
anchor-bath = at bath time
anchor-bedtime = at bedtime
anchor-walk = on a walk
anchor-play = while playing
anchor-screen = around screen time
anchor-morning = in the morning
anchor-pickup = at pick-up
anchor-chores = during chores
anchor-reading = while reading
anchor-anytime = any time
