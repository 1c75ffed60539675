# El lado del terapeuta: unirse, las decisiones de los administradores, invitaciones y consentimiento, los
# vínculos vistos por la familia, las familias que acompañas, /assign, /pending, el CSV, el resumen semanal y
# los avisos. HTML de Telegram; btn-* y toast-* son texto simple. Los nombres, etiquetas y los textos propios
# de un terapeuta llegan ya escapados y nunca se traducen.

## Lo que puede hacer un terapeuta aprobado
therapist-menu =
    /invite — un enlace para invitar a una familia
    /clients — las familias que acompañas
    /assign — una idea para la semana
    /pending — ideas que están por salir
    /report — un CSV con los resultados
therapist-not-approved = Ese comando es para terapeutas aprobados en este bot. Puedes pedir unirte con /therapist.
toast-therapist-only = Esto es solo para terapeutas aprobados.
# Una familia a la que el terapeuta no le puso etiqueta
therapist-family-unnamed = Familia { $n }

## Enlaces de invitación que no se pueden usar (como mensaje y como aviso emergente)
toast-invite-unknown = No reconozco ese enlace de invitación. Pídele uno nuevo a tu terapeuta.
toast-invite-expired = Ese enlace de invitación ya venció (cada enlace dura 7 días). Pídele uno nuevo a tu terapeuta.
toast-invite-used = Ese enlace de invitación ya se usó. Cada enlace sirve una sola vez; pide otro si lo necesitas.
toast-invite-therapist_inactive = En este momento, quien te invitó no puede vincular familias en este bot.
toast-invite-already_linked = Ya tienes un vínculo con esta persona.

## Unirse como terapeuta
therapist-already-approved =
    Tu cuenta de terapeuta ya está aprobada, con el nombre <b>{ $name }</b>.

    { $menu }
therapist-request-waiting = Tu solicitud está esperando a un administrador. Te aviso en cuanto decidan.
therapist-no-admins = Este bot todavía no tiene administradores, así que por ahora no se pueden aprobar cuentas de terapeuta.
therapist-ask-name =
    🧑‍⚕️ <b>Únete como terapeuta familiar</b>

    Las familias que invites verán el nombre que elijas aquí. ¿Qué nombre quieres que vean? (Por ejemplo: <i>Dra. Ana Rivera</i>)
therapist-name-too-long = Envíame un nombre de hasta 64 caracteres, por favor.
therapist-ask-timezone = ¿En qué zona horaria estás? Tu resumen semanal llega los lunes a las 08:00 de tu hora. Escribe una zona o una ciudad, o toca:
therapist-timezone-unknown = No reconozco esa zona horaria. Prueba con una zona como America/Mexico_City o con una ciudad grande cerca de ti.
therapist-start-again = Empecemos de nuevo: /therapist
therapist-request-sent = ¡Gracias! Tu solicitud ya les llegó a los administradores. Te aviso cuando decidan.
therapist-approved =
    ✅ <b>¡Tu cuenta de terapeuta fue aprobada!</b>

    { $menu }
therapist-declined = Esta vez tu solicitud para unirte como terapeuta no fue aprobada.
therapist-access-withdrawn = Un administrador retiró tu acceso como terapeuta en este bot.

## Lo que ven los administradores
admin-only = Ese comando es para quienes administran el bot.
toast-admin-only = Solo un administrador de este bot puede hacer eso.
toast-admin-expired = Este botón ya no funciona.
admin-card =
    🧑‍⚕️ <b>Solicitud de terapeuta</b>
    Nombre: { $name }
    Id de Telegram: <code>{ $id }</code>
    Zona horaria: { $zone }
    Estado: { $status }
admin-history = Historial: { $items }
admin-history-pending = solicitó el { $day }
admin-history-approved = se aprobó el { $day }
admin-history-declined = se rechazó el { $day }
admin-history-revoked = se le retiró el acceso el { $day }
therapist-status-pending = ⏳ esperando una decisión
therapist-status-approved = ✅ aprobada
therapist-status-declined = ✖ rechazada
therapist-status-revoked = ⛔ acceso retirado
admin-list-title = 🧑‍⚕️ <b>Terapeutas</b>
admin-list-row = • { $name } — { $status }
admin-no-requests = Todavía no hay solicitudes de terapeutas.
btn-admin-approve = ✅ Aprobar a { $name }
btn-admin-decline = ✖ Rechazar
btn-admin-revoke = Retirar acceso a { $name }
btn-admin-revoke-yes = ⛔ Sí, retirar acceso a { $name }
btn-admin-keep = Mantener su acceso
toast-admin-nothing-changed = No cambió nada.
toast-admin-not-approved = No hay nada que retirar: esa persona no está aprobada.
toast-admin-already-decided = Esa solicitud ya se había decidido.
toast-admin-approved = Solicitud aprobada.
toast-admin-declined = Solicitud rechazada.
toast-admin-revoked = Acceso retirado a { $name }.
admin-revoked-note = Acceso retirado: { $n ->
    [one] terminó { $n } vínculo con una familia.
   *[other] terminaron { $n } vínculos con familias.
}

## Invitaciones
therapist-invite-label-too-long = Usa una etiqueta de menos de 64 caracteres para la familia, por favor.
therapist-invite-title = 🔗 <b>Invitación para una familia</b>
therapist-invite-title-for = 🔗 <b>Invitación para { $label }</b>
therapist-invite =
    { $title }

    { $link }

    Envíale este enlace a la familia. Sirve una sola vez y vence el { $expires }. Verán exactamente lo que tú vas a ver, y decidirán.
    Consejo: <code>/invite familia Rivera</code> le pone esa etiqueta a la familia en tu lista.
therapist-accepted = 🤝 { $label } aceptó tu invitación. Puedes verla en /clients.

## La pantalla de consentimiento que lee la familia (se arma con la configuración real del vínculo)
consent-intro = 🤝 <b>{ $name }</b> quiere acompañar cómo le va a tu familia entre sesión y sesión.
consent-if-accept = <b>Si aceptas:</b>
consent-sees = <b>{ $name } ve:</b>
consent-sees-sent = • qué ideas te llegaron
consent-sees-outcome = • si cada una la intentaron o la saltaron
consent-sees-rating = • cómo les fue (tu respuesta de 3 opciones)
consent-sees-notes = • las notas que escribas de ahora en adelante (las anteriores siguen siendo privadas)
consent-no-notes = { $name } <b>no</b> ve tus notas.
consent-sharing-on = Compartir notas está <b>activado</b> en este vínculo: también se mostrarán las notas de una línea que agregues después de una idea.
consent-sharing-off = Compartir notas está <b>desactivado</b>. Puedes activarlo abajo, ahora o más adelante en /mytherapist.
consent-can-send = { $name } también puede enviarte una idea para la semana. No se comparte nada de antes de hoy.
consent-stop-any-time = Puedes dejar de compartir cuando quieras con /mytherapist, y se detiene al instante.
btn-consent-accept = ✅ Aceptar
btn-consent-share = 📝 Compartir también mis notas
btn-consent-keep-private = 📝 Mantener mis notas privadas
btn-consent-decline = ✖ No, gracias
consent-declined = No pasa nada: no se comparte nada. Puedes seguir igual que antes.
toast-consent-would-share = Las notas se compartirían.
toast-consent-private = Las notas quedan privadas.
toast-consent-linked = Vinculado.
consent-linked = ✅ Ahora compartes con <b>{ $name }</b>. { $notes } Puedes cambiarlo o dejar de compartir cuando quieras con /mytherapist.
consent-notes-shared = De ahora en adelante, tus notas se comparten con esta persona.
consent-notes-private = Tus notas siguen siendo privadas.

## /mytherapist: los vínculos de la familia
mytherapist-none = No estás compartiendo con ningún terapeuta. Un terapeuta puede enviarte un enlace de invitación.
mytherapist-title = 🧑‍⚕️ <b>Tus terapeutas</b>
mytherapist-since = Compartes con <b>{ $name }</b> desde el { $day }.
btn-mytherapist-share = 📝 Compartir notas con { $name }
btn-mytherapist-keep-private = 📝 No compartir notas con { $name }
btn-mytherapist-stop = Dejar de compartir con { $name }
btn-mytherapist-stop-yes = Sí, dejar de compartir
btn-mytherapist-keep = Seguir compartiendo
toast-mytherapist-not-yours = Ese botón no es tuyo.
toast-mytherapist-expired = Este botón ya no funciona.
toast-mytherapist-shared = Desde ahora, las notas se comparten.
toast-mytherapist-private = Ahora las notas son privadas.
toast-mytherapist-nothing-changed = No cambió nada.
toast-mytherapist-stopped = Listo, ya no compartes.
mytherapist-stop-ask = ¿Dejar de compartir con <b>{ $name }</b>? Ya no verá nada de tu familia, y se cancela cualquier idea que tenga planeada para ustedes.
mytherapist-stopped = Listo: { $name } ya no ve nada de tu familia.{ $n ->
    [0] {""}
    [one] {" "}No les llegará { $n } idea que tenía planeada.
   *[other] {" "}No les llegarán { $n } ideas que tenía planeadas.
}
# A cada persona de la familia, cuando un administrador retira el acceso de su terapeuta
mytherapist-therapist-gone = ℹ️ <b>{ $name }</b> ya no es terapeuta en este bot, así que tu familia dejó de compartir con esa persona.{ $n ->
    [0] {""}
    [one] {" "}No les llegará { $n } idea pendiente de su parte.
   *[other] {" "}No les llegarán { $n } ideas pendientes de su parte.
} Todo lo demás sigue igual para ti.

## Avisos para el terapeuta
therapist-family-stopped = { $label } dejó de compartir contigo.{ $n ->
    [0] {""}
    [one] {" "}Se canceló { $n } idea pendiente para esa familia.
   *[other] {" "}Se cancelaron { $n } ideas pendientes para esa familia.
}
therapist-family-left = ℹ️ <b>{ $label }</b> dejó el bot y borró sus datos, así que ya no aparece entre tus familias.
therapist-quiet-alert = 🔕 <b>{ $label }</b> lleva dos semanas sin responder ninguna idea. Puede ser una temporada ajetreada; quizá ayude comentarlo en la próxima sesión. Detalles: /clients

## /clients
therapist-no-families = Todavía no tienes familias vinculadas. Crea una invitación con /invite.
clients-title = 👥 <b>Tus familias</b>: últimas 4 semanas
clients-row =
    • <b>{ $label }</b> — { $ages }
    {"   "}enviadas { $sent }, intentadas { $tried }, saltadas { $skipped } · última actividad: { $last }
    {"   "}esta semana de tu parte: { $week }
clients-no-activity = sin actividad todavía
clients-week-none = nada todavía (/assign)
clients-week-sent = { $title } (enviada)
clients-week-waiting = { $title } (por salir)
# Un niño o niña de la familia: etapa y edad en años
clients-child = { $band }, { $age ->
    [one] { $age } año
   *[other] { $age } años
}
clients-no-band = sin etapa
clients-no-children = sin hijos registrados
toast-caseload-not-yours = Esa familia no está entre las que acompañas.
client-title = 👪 <b>{ $label }</b>: enviadas { $sent }, intentadas { $tried }, saltadas { $skipped }
client-row = • { $day } — { $title } — { $result }
client-item-skill = { $title } ({ $skill })
client-item-mine = 🧑‍⚕️ { $title }
client-note = {"   "}📝 <i>{ $note }</i>
client-nothing = No se ha enviado nada desde que se vincularon.
client-private = <i>Esta familia mantiene sus notas en privado.</i>
client-no-answer = sin respuesta
therapist-prompt-generic = Una idea
therapist-prompt-other = Una idea de otro terapeuta

## /pending
pending-none = No hay nada por salir. Envía una idea con /assign.
pending-title = ⏳ <b>Por salir</b>
pending-row = • { $label } — { $title } — { $when }
btn-pending-cancel = ✖ Cancelar: { $label } · { $title }
toast-pending-gone = Esa idea ya no está pendiente.
toast-pending-cancelled = Cancelada.

## /report: el CSV (celdas de texto simple)
report-caption = Los resultados de tus familias (horas de { $zone }).
report-filename = familias-{ $date }.csv
csv-family = familia
csv-sent-at = enviada (hora de { $zone })
csv-child-band = etapa del niño o niña
csv-skill = habilidad (código)
csv-skill-name = habilidad
csv-prompt = idea
csv-from-you = de tu parte
csv-outcome = resultado
csv-how-it-went = cómo les fue
csv-note = nota
csv-yes = sí
csv-no = no
csv-tried = la intentaron
csv-skipped = la saltaron
csv-no-answer = sin respuesta
csv-rating-3 = salió bien
csv-rating-2 = más o menos
csv-rating-1 = fue difícil

## El resumen semanal (lunes a las 08:00 en la zona horaria del terapeuta)
digest-title = 🗓 <b>Tu resumen semanal</b>: semana hasta el { $day }
digest-row = • { $label }: enviadas { $sent }, intentadas { $tried }, saltadas { $skipped }
digest-footer = Detalles: /clients · CSV: /report

## /assign
assign-who = 📌 <b>Asignar una idea.</b> ¿Para quién es?
btn-assign-everyone = 👥 Todas tus familias ({ $n })
assign-what = ¿Qué te gustaría enviar?
btn-assign-library = 📚 Explorar la biblioteca
btn-assign-search = 🔎 Buscar por palabras
btn-assign-own = ✍️ Escribir la mía
assign-which-band = ¿Para qué etapa?
assign-which-skill = ¿Qué habilidad?
assign-search-ask = Escribe algunas palabras, como <i>peleas entre hermanos</i> o <i>miedo a dormir</i>.
assign-own-ask = Escribe la idea tal como quieres que la lea la familia (hasta { $max } caracteres).
assign-no-prompts = No hay ideas ahí. Prueba con otra habilidad.
assign-tap-prompt = Toca una idea para leerla primero:
btn-assign-found = { $title } · { $band }
assign-preview = 👀 <i>Vista previa · { $band }</i>
btn-assign-use = ✅ Usar esta
assign-choice-expired = Esa opción ya no está disponible. Empieza de nuevo con /assign.
assign-button-expired = Ese botón ya no funciona. Empieza de nuevo con /assign.
toast-assign-step-passed = Ese paso ya pasó. Empieza de nuevo con /assign.
assign-chosen-library = 📚 { $title } ({ $band })
assign-chosen-own = ✍️ tu propia idea
assign-note-ask =
    Elegiste: { $chosen }

    ¿Quieres agregar una nota breve para la familia? Escríbela (hasta { $max } caracteres) o toca Omitir.
btn-assign-skip-note = Omitir
assign-no-match = Nada coincide con esas palabras. Prueba con otras, o usa /assign para explorar.
assign-too-long = Son { $n } caracteres; el máximo es { $max }.
assign-too-short = ¿Podrías escribir un poco más, para que la familia sepa qué intentar?
assign-note-too-long = Que la nota no pase de { $max } caracteres, por favor.
assign-when = ¿Cuándo debería salir?
btn-assign-this-week = Esta semana
btn-assign-next-week = La próxima semana
btn-assign-now = Enviar ahora
assign-did-not-fit = Algo de esa idea no encajó. Empieza de nuevo con /assign, por favor.
assign-not-linked = Esa familia ya no está vinculada contigo, así que no se envió nada.
assign-done = ✅ Asignada a { $n ->
    [one] { $n } familia.
   *[other] { $n } familias.
} { $timing } Puedes verla o cancelarla en /pending.
assign-timing-now = Sale en menos de un minuto.
assign-timing-this = Llega a cada familia en su próximo horario de esta semana, en lugar de la idea habitual.
assign-timing-next = Llega a cada familia en su primer horario de la próxima semana, en lugar de la idea habitual.
