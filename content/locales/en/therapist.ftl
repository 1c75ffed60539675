# The therapist side: joining, the admins' decisions, invites and consent, the family's view of its links,
# the caseload, /assign, /pending, the CSV, the weekly digest and alerts. Telegram HTML; btn-* and toast-* are
# plain text. Names, labels and a therapist's own words arrive already escaped and are never translated.

## What an approved therapist can do
therapist-menu =
    /invite — a link for a client family
    /clients — your caseload
    /assign — a prompt for the week
    /pending — prompts waiting to go out
    /report — a CSV of outcomes
therapist-not-approved = That command is for therapists approved on this bot. Ask to join with /therapist.
toast-therapist-only = That's for approved therapists only.
# A family the therapist gave no label to
therapist-family-unnamed = Family { $n }

## Invite links that can't be used (shown as a message and as a pop-up)
toast-invite-unknown = I don't recognise that invite link. Please ask your therapist for a new one.
toast-invite-expired = That invite link has expired (links last 7 days). Please ask your therapist for a new one.
toast-invite-used = That invite link has already been used. Each link works once — ask for a new one if needed.
toast-invite-therapist_inactive = That therapist can't link families on this bot right now.
toast-invite-already_linked = You're already linked with this therapist.

## Joining as a therapist
therapist-already-approved =
    You're an approved therapist as <b>{ $name }</b>.

    { $menu }
therapist-request-waiting = Your request is waiting for an admin. I'll tell you as soon as they decide.
therapist-no-admins = This bot has no admins set up, so therapist accounts can't be approved here yet.
therapist-ask-name =
    🧑‍⚕️ <b>Join as a family therapist</b>

    Families you invite will see the name you choose here. What name should they see? (For example: <i>Dr. Sam Rivera</i>)
therapist-name-too-long = Please send a name of up to 64 characters.
therapist-ask-timezone = Which timezone are you in? Your weekly digest comes on Monday at 08:00 there. Type a zone or a city, or tap:
therapist-timezone-unknown = I don't know that timezone. Try a zone like Europe/Berlin or a big city near you.
therapist-start-again = Let's start again: /therapist
therapist-request-sent = Thank you! Your request has gone to the admins. I'll let you know when they decide.
therapist-approved =
    ✅ <b>You're approved as a therapist.</b>

    { $menu }
therapist-declined = Your request to join as a therapist was not approved this time.
therapist-access-withdrawn = Your therapist access on this bot has been withdrawn by an admin.

## The admins' side
admin-only = That command is for the bot's admins.
toast-admin-only = Only an admin of this bot can do that.
toast-admin-expired = This button has expired.
admin-card =
    🧑‍⚕️ <b>Therapist request</b>
    Name: { $name }
    Telegram id: <code>{ $id }</code>
    Timezone: { $zone }
    Status: { $status }
admin-history = History: { $items }
admin-history-pending = applied { $day }
admin-history-approved = approved { $day }
admin-history-declined = declined { $day }
admin-history-revoked = revoked { $day }
therapist-status-pending = ⏳ waiting for a decision
therapist-status-approved = ✅ approved
therapist-status-declined = ✖ declined
therapist-status-revoked = ⛔ access withdrawn
admin-list-title = 🧑‍⚕️ <b>Therapists</b>
admin-list-row = • { $name } — { $status }
admin-no-requests = No therapist requests yet.
btn-admin-approve = ✅ Approve { $name }
btn-admin-decline = ✖ Decline
btn-admin-revoke = Revoke { $name }
btn-admin-revoke-yes = ⛔ Yes, revoke { $name }
btn-admin-keep = Keep them
toast-admin-nothing-changed = Nothing changed.
toast-admin-not-approved = Nothing to revoke: that therapist isn't approved.
toast-admin-already-decided = That request was already decided.
toast-admin-approved = Approved.
toast-admin-declined = Declined.
toast-admin-revoked = Revoked { $name }.
admin-revoked-note = Revoked: { $n ->
    [one] { $n } family link ended.
   *[other] { $n } family links ended.
}

## Invites
therapist-invite-label-too-long = Please keep the family's label under 64 characters.
therapist-invite-title = 🔗 <b>Client invite</b>
therapist-invite-title-for = 🔗 <b>Client invite</b> for { $label }
therapist-invite =
    { $title }

    { $link }

    Send this link to the family. It works once and expires on { $expires }. They'll see exactly what you'll see, and choose.
    Tip: <code>/invite Rivera family</code> labels the family in your caseload.
therapist-accepted = 🤝 { $label } accepted your invite. See /clients.

## The consent screen a family reads (generated from the link's real settings)
consent-intro = 🤝 <b>{ $name }</b> would like to follow how your family is doing between sessions.
consent-if-accept = <b>If you accept:</b>
consent-sees = <b>{ $name } sees:</b>
consent-sees-sent = • which prompts were sent to you
consent-sees-outcome = • whether you tried or skipped each one
consent-sees-rating = • how it went (your 3-point answer)
consent-sees-notes = • the notes you write from now on (notes written before stay private)
consent-no-notes = { $name } does <b>not</b> see your notes.
consent-sharing-on = Note sharing is <b>on</b> for this link: the one-line notes you add after a prompt will be shown too.
consent-sharing-off = Note sharing is <b>off</b>. You can turn it on below, now or later in /mytherapist.
consent-can-send = { $name } can also send you a prompt for the week. Nothing from before today is shared.
consent-stop-any-time = You can stop sharing at any time with /mytherapist, and it stops at once.
btn-consent-accept = ✅ Accept
btn-consent-share = 📝 Share my notes too
btn-consent-keep-private = 📝 Keep my notes private
btn-consent-decline = ✖ Decline
consent-declined = No problem — nothing is shared. You can carry on just as before.
toast-consent-would-share = Notes would be shared.
toast-consent-private = Notes stay private.
toast-consent-linked = Linked.
consent-linked = ✅ You're now sharing with <b>{ $name }</b>. { $notes } Change it or stop any time with /mytherapist.
consent-notes-shared = Your notes are shared with them from now on.
consent-notes-private = Your notes stay private.

## /mytherapist: the family's own links
mytherapist-none = You're not sharing with any therapist. A therapist can send you an invite link.
mytherapist-title = 🧑‍⚕️ <b>Your therapists</b>
mytherapist-since = Sharing with <b>{ $name }</b> since { $day }.
btn-mytherapist-share = 📝 Share notes with { $name }
btn-mytherapist-keep-private = 📝 Keep notes from { $name } private
btn-mytherapist-stop = Stop sharing with { $name }
btn-mytherapist-stop-yes = Yes, stop sharing
btn-mytherapist-keep = Keep sharing
toast-mytherapist-not-yours = That button isn't one of yours.
toast-mytherapist-expired = This button has expired.
toast-mytherapist-shared = Notes are shared from now on.
toast-mytherapist-private = Notes are private now.
toast-mytherapist-nothing-changed = Nothing changed.
toast-mytherapist-stopped = Stopped.
mytherapist-stop-ask = Stop sharing with <b>{ $name }</b>? They will no longer see anything from your family, and any prompt they have planned for you is cancelled.
mytherapist-stopped = Done — { $name } no longer sees anything from your family.{ $n ->
    [0] {""}
    [one] {" "}{ $n } planned prompt from them won't come.
   *[other] {" "}{ $n } planned prompts from them won't come.
}
# To each caregiver of a family, when an admin withdraws their therapist's access
mytherapist-therapist-gone = ℹ️ <b>{ $name }</b> is no longer a therapist on this bot, so your family stopped sharing with them.{ $n ->
    [0] {""}
    [one] {" "}{ $n } pending prompt from them won't come.
   *[other] {" "}{ $n } pending prompts from them won't come.
} Nothing else changes for you.

## Notices to the therapist
therapist-family-stopped = { $label } has stopped sharing with you.{ $n ->
    [0] {""}
    [one] {" "}{ $n } pending prompt for them was cancelled.
   *[other] {" "}{ $n } pending prompts for them were cancelled.
}
therapist-family-left = ℹ️ <b>{ $label }</b> has left the bot and erased its data, so it is no longer in your caseload.
therapist-quiet-alert = 🔕 <b>{ $label }</b> hasn't answered a prompt for two weeks. It may be a busy patch; a word at your next session could help. Details: /clients

## /clients
therapist-no-families = No linked families yet. Create an invite with /invite.
clients-title = 👥 <b>Your families</b> — last 4 weeks
clients-row =
    • <b>{ $label }</b> — { $ages }
    {"   "}sent { $sent }, tried { $tried }, skipped { $skipped } · last: { $last }
    {"   "}this week from you: { $week }
clients-no-activity = no activity yet
clients-week-none = nothing yet (/assign)
clients-week-sent = { $title } (sent)
clients-week-waiting = { $title } (waiting)
# A child in the caseload: age band and age in years
clients-child = { $band }, { $age }y
clients-no-band = no band
clients-no-children = no children
toast-caseload-not-yours = That family isn't in your caseload.
client-title = 👪 <b>{ $label }</b> — sent { $sent }, tried { $tried }, skipped { $skipped }
client-row = • { $day } — { $title } — { $result }
client-item-skill = { $title } ({ $skill })
client-item-mine = 🧑‍⚕️ { $title }
client-note = {"   "}📝 <i>{ $note }</i>
client-nothing = Nothing sent since they linked.
client-private = <i>This family keeps its notes private.</i>
client-no-answer = no answer
therapist-prompt-generic = A prompt
therapist-prompt-other = A prompt from another therapist

## /pending
pending-none = Nothing waiting to go out. Push a prompt with /assign.
pending-title = ⏳ <b>Waiting to go out</b>
pending-row = • { $label } — { $title } — { $when }
btn-pending-cancel = ✖ Cancel: { $label } · { $title }
toast-pending-gone = That prompt isn't waiting any more.
toast-pending-cancelled = Cancelled.

## /report: the CSV (plain text cells)
report-caption = Your caseload's outcomes (times in { $zone }).
report-filename = caseload-{ $date }.csv
csv-family = family
csv-sent-at = sent_at ({ $zone })
csv-child-band = child_band
csv-skill = skill
csv-skill-name = skill_name
csv-prompt = prompt
csv-from-you = from_you
csv-outcome = outcome
csv-how-it-went = how_it_went
csv-note = note
csv-yes = yes
csv-no = no
csv-tried = tried
csv-skipped = skipped
csv-no-answer = no answer
csv-rating-3 = went well
csv-rating-2 = so-so
csv-rating-1 = hard

## The weekly digest (Monday 08:00 in the therapist's timezone)
digest-title = 🗓 <b>Your weekly digest</b> — week to { $day }
digest-row = • { $label }: sent { $sent }, tried { $tried }, skipped { $skipped }
digest-footer = Details: /clients · CSV: /report

## /assign
assign-who = 📌 <b>Assign a prompt.</b> Who is it for?
btn-assign-everyone = 👥 Whole caseload ({ $n })
assign-what = What would you like to send?
btn-assign-library = 📚 Browse the library
btn-assign-search = 🔎 Search by words
btn-assign-own = ✍️ Write my own
assign-which-band = Which age band?
assign-which-skill = Which skill?
assign-search-ask = Type a few words, like <i>sibling fight</i> or <i>bedtime fears</i>.
assign-own-ask = Type the prompt as the family should read it (up to { $max } characters).
assign-no-prompts = No prompts there. Try another skill.
assign-tap-prompt = Tap a prompt to read it first:
btn-assign-found = { $title } · { $band }
assign-preview = 👀 <i>Preview · { $band }</i>
btn-assign-use = ✅ Use this one
assign-choice-expired = That choice has expired. Start again with /assign.
assign-button-expired = That button has expired. Start again with /assign.
toast-assign-step-passed = That step has passed. Start again with /assign.
assign-chosen-library = 📚 { $title } ({ $band })
assign-chosen-own = ✍️ your own prompt
assign-note-ask =
    Chosen: { $chosen }

    Add a short note for the family? Type it (up to { $max } characters), or tap Skip.
btn-assign-skip-note = Skip
assign-no-match = Nothing matched those words. Try others, or /assign to browse.
assign-too-long = That's { $n } characters; please keep it to { $max }.
assign-too-short = Could you write a little more, so the family knows what to try?
assign-note-too-long = Please keep the note to { $max } characters.
assign-when = When should it go out?
btn-assign-this-week = This week
btn-assign-next-week = Next week
btn-assign-now = Send now
assign-did-not-fit = Something in that prompt didn't fit. Please start again with /assign.
assign-not-linked = That family is no longer linked with you, so nothing was sent.
assign-done = ✅ Assigned to { $n ->
    [one] { $n } family.
   *[other] { $n } families.
} { $timing } See or cancel it in /pending.
assign-timing-now = It goes out within a minute.
assign-timing-this = It arrives at each family's next prompt time this week, in place of the usual one.
assign-timing-next = It arrives at each family's first prompt time next week, in place of the usual one.
