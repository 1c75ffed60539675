# Lo que lee una mamá, un papá o quien cuida: ideas, respuestas, configuración, historial. HTML de Telegram.
# Las variables { $así } las llena el bot; lo que alguien escribió llega ya escapado.

## Una idea
prompt-for = para { $name }
prompt-minutes = { $minutes } min
prompt-body =
    🌱 <b>{ $title }</b>
    <i>{ $meta }</i>

    { $do }

    💬 <b>Puedes decir:</b> “{ $say }”

    💡 <b>Por qué ayuda:</b> { $why }
delivery-from-therapist = 🧑‍⚕️ <b>De parte de { $name }</b>: una idea para esta semana
delivery-custom-title = 🌱 <b>Algo para probar</b>
reflect-generic = Mientras lo intentaban, ¿qué notaste en tu hijo o hija, y en ti?
nudge-again-header = ⏰ <i>Aquí está otra vez, como me pediste.</i>
nudge-therapist-title = la idea de { $name }
nudge-generic-title = la idea de hoy
nudge =
    🌿 Un recordatorio suave: <b>{ $title }</b> todavía te está esperando.
    Con dos minutos basta. Y si hoy no es el día, también está bien saltarla.

## La respuesta, sobre la idea
status-tried = { $rating ->
    [none] ✅ <b>Lo intentaste</b>
   *[other] ✅ <b>Lo intentaste</b> · { $rating }
}
status-skipped = ⏭ <b>La saltaste</b>, y está bien. Ya vendrá otra.
outcome-tried = { $rating ->
    [none] ✅ lo intentaron
   *[other] ✅ lo intentaron · { $rating }
}
outcome-skipped = ⏭ la saltaron
outcome-unanswered = · sin respuesta todavía

## Botones bajo una idea
btn-tried = ✅ Lo intentamos
btn-skip = ⏭ Saltar
btn-later = ⏰ Más tarde hoy
btn-tried-after-all = ✅ Al final sí lo intentamos
btn-skip-instead = ⏭ Mejor saltarla
btn-rating-3 = 😊 Salió bien
btn-rating-2 = 😐 Más o menos
btn-rating-1 = 😣 Fue difícil
