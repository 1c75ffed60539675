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
