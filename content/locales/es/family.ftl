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

## Bienvenida, privacidad, ayuda
welcome =
    👋 <b>¡Hola! Soy una pequeña ayuda para acompañar las emociones en casa.</b>

    Algunas veces por semana te envío una idea corta para probar con tu hijo o hija: ponerle nombre a lo que siente un peque, cambiar de papeles en un cuento con alguien en edad escolar, o una charla tranquila con un adolescente. Cada una toma pocos minutos, a la hora que tú elijas. Tocas “lo intentamos” y, si quieres, me cuentas cómo les fue.

    <b>Lo que no soy:</b> no soy terapeuta y nadie lee este chat. Si alguien está en peligro, llama al número de emergencias de tu país.

    <b>Lo que guardo si estás de acuerdo:</b> tu id de Telegram, los apodos de tus hijos (opcional) con su mes y año de nacimiento, tu zona horaria y horario, y tus respuestas. No comparto nada. Puedes descargarlo o borrarlo todo cuando quieras con /export y /delete.

    ¿Te parece bien?
privacy =
    🔒 <b>Privacidad</b>

    • Guardo: tu id de Telegram; el apodo de cada hijo o hija (opcional) y su mes y año de nacimiento; tu zona horaria, hora y días; qué ideas recibiste y tus respuestas, con las notas que escribas; el idioma en que te escribo.
    • No guardo: tu nombre, tu teléfono, ni tus mensajes, salvo las notas que decidas agregar. Los mensajes que parecen una crisis nunca se guardan.
    • Nadie lee este chat. No soy terapeuta y no puedo ayudar en una emergencia.
    • /export te envía todos los datos de tu familia en un archivo. /delete los borra para siempre.
    • Quien administra este bot puede ver la base de datos en su servidor.
help =
    Esto es lo que puedo hacer:

    /prompt — una idea para probar ahora mismo
    /help_now — unos pasos para un momento difícil (berrinche, pelea entre hermanos, un portazo…)
    /history — lo que han probado · /progress — lo mismo en una imagen
    /settings — hora, días, zona horaria, hijos, recordatorios, otros cuidadores
    /pause — tomar un descanso · /resume — volver
    /privacy — qué datos guardo · /language — cambiar el idioma
    /export — tus datos en un archivo · /delete — borrarlo todo

    No soy terapeuta y nadie revisa este chat. En una emergencia, llama al número de emergencias de tu país.
need-start = Primero vamos a configurar todo: toca /start. Toma menos de dos minutos.
need-setup = Todavía no terminamos de configurar. Toca /start para seguir donde nos quedamos.
fallback = No estoy seguro de lo que quieres decir, pero esto es lo que puedo hacer.

    { help }
only-text = Solo puedo leer mensajes de texto. { help }
text-too-long = Ese mensaje es demasiado largo para mí. ¿Podrías acortarlo?
welcome-back = 👋 ¡Qué gusto verte de nuevo! Tus ideas vuelven a llegar. Próxima idea: { $next }.
already-set-up = Ya está todo listo. Próxima idea: { $next }.

    { help }
next-not-scheduled = sin fecha
next-paused = en pausa hasta que toques /start
btn-agree = ✅ Estoy de acuerdo, empecemos
btn-what-stored = 🔒 ¿Qué guardas exactamente?

## Un hijo o hija
ask-nickname =
    👶 <b>Agreguemos a tu hijo o hija.</b>

    ¿Cómo le dices? Basta con un apodo o una inicial (hasta 32 caracteres). O toca Saltar y diré “tu hijo o hija”.
ask-nickname-more = 👶 ¿Cómo le dices a este hijo o hija? Escribe un apodo, o toca Saltar.
nickname-too-long = Es un poco largo para un apodo. ¿Puedes dejarlo en menos de 32 caracteres?
nickname-empty = No alcancé a ver un apodo. Escribe uno, o toca Saltar.
btn-skip-plain = Saltar
ask-birth = 🎂 ¿Cuándo nació { $name }? Toca el año, o escribe el mes y el año, como <code>2023-05</code>, <code>05/2023</code> o <code>mayo 2023</code>.
ask-birth-unnamed = 🎂 ¿Cuándo nació tu hijo o hija? Toca el año, o escribe el mes y el año, como <code>2023-05</code>, <code>05/2023</code> o <code>mayo 2023</code>.
birth-pick-month = <b>{ $year }</b>: ¿y el mes?
birth-unclear = Perdona, no pude leerlo como mes y año. Prueba con <code>2023-05</code> o <code>05/2023</code>, o toca un año arriba.
birth-future = Esa fecha todavía no llega. ¿Puedes revisar el mes y el año?
birth-too-young = Mis ideas empiezan al año de edad, cuando los peques empiezan a mostrar emociones grandes que pueden nombrar juntos. Puedes agregar a un hijo o hija de al menos un año, y volver por este más adelante. ¿Probamos con otro mes y año?
birth-too-old = Mis ideas están pensadas para hijos de hasta 17 años. Para un hijo adulto no tengo las palabras adecuadas, lo siento. ¿Quieres probar con otro mes y año?
birth-invalid = Mmm, esa fecha no parece correcta. Prueba algo como <code>2021-09</code>.
child-added = ✅ Listo: <b>{ $name }</b> ({ $band }). ¿Hay otro hijo o hija para quien quieras ideas?
child-added-unnamed = ✅ Listo: <b>tu hijo o hija</b> ({ $band }). ¿Hay otro hijo o hija para quien quieras ideas?
too-many-children = Ya agregaste todos los hijos que puedo guardar. Puedes quitar uno en /settings.
btn-quick-start = 🚀 Empezar ya con el plan de siempre
btn-add-another = ➕ Agregar otro hijo o hija
btn-kids-done = Son todos: quiero elegir hora y días

## Zona horaria, hora, días
ask-tz = 🌍 <b>¿En qué zona horaria estás?</b> Toca una, o escribe una ciudad o zona como <code>America/Mexico_City</code> o <code>Bogotá</code>.
tz-unknown = No conozco esa zona horaria. Prueba con el nombre de una ciudad grande cerca de ti, o una zona como <code>America/New_York</code>.
tz-which-offset = ¿Cuál de estas es la tuya? Ahora mismo están en { $offset }, y cada una sigue su propio horario de verano.
tz-got-it =
    🌍 { $zone }: anotado.

    { ask-time }
ask-time = 🕖 <b>¿A qué hora te queda bien recibir una idea corta?</b> Elige un momento en que sueles estar con tu hijo o hija. Toca una, o escribe una hora como <code>19:30</code>, <code>7pm</code> o <code>7:30 am</code>.
time-unclear = Perdona, no pude leer esa hora. Prueba con <code>19:30</code>, <code>7pm</code> o <code>7:30 am</code>.
time-quiet-note = { $part ->
    [morning] Esa hora cae en las horas de silencio de la madrugada (hasta las 08:00). Igual te escribiré a la hora que elegiste, pero sin recordatorio después: nunca envío recordatorios en horas de silencio.
   *[evening] Esa hora cae en las horas de silencio de la noche (desde las 21:00). Igual te escribiré a la hora que elegiste, pero sin recordatorio después: nunca envío recordatorios en horas de silencio.
}
time-set =
    🕖 Perfecto, a las { $time }.{ $note }

    { ask-days }
ask-days = 📅 <b>¿Cada cuánto?</b> Tres veces por semana es un buen comienzo. Puedes cambiarlo cuando quieras.
cadence-three = 3 por semana (mar, jue, sáb)
cadence-daily = Todos los días
cadence-weekdays = De lunes a viernes
cadence-weekly = Una vez por semana (domingo)
btn-cadence-three = 3 por semana (mar, jue, sáb)
btn-cadence-daily = Todos los días
btn-cadence-weekdays = De lunes a viernes
btn-cadence-weekly = Una vez por semana (domingo)
btn-own-days = 🗓 Elegir mis propios días…
ask-own-days = 🗓 <b>Elige tus días.</b> Toca un día para activarlo o quitarlo, y luego Guardar. Sirve para custodia compartida o turnos.
btn-save-days = 💾 Guardar estos días
btn-pick-a-day = Elige al menos un día
toast-pick-a-day = Primero elige al menos un día.
all-set =
    🎉 <b>¡Todo listo!</b>

    👶 { $children }
    🕖 { $time } ({ $zone })
    📅 { $days }
    🔔 Un recordatorio suave si una idea queda sin respuesta (puedes cambiarlo en /settings)

    Primera idea: <b>{ $next }</b>.

    ¿Quieres tu primera idea ahora mismo?
quick-summary =
    🎉 <b>¡Todo listo!</b> Aquí va tu primera idea.

    Elegí el plan de siempre, y puedes cambiar lo que quieras en /settings:
    🕖 { $time } ({ $zone })
    📅 { $days }
    🔔 Un recordatorio suave si una idea queda sin respuesta
child-with-band = { $name } ({ $band })
your-child = tu hijo o hija
btn-send-now = Sí, envíame una ahora
btn-wait = Prefiero esperar
first-wait = ¡Genial! La primera llegará a su hora. Siempre puedes pedir una con /prompt.
step-gone = Ese paso ya está hecho. Toca /start o /settings para seguir.
toast-step-gone = Ese paso ya está hecho. Toca /start o /settings para seguir.

## Respuestas a una idea
toast-thanks-tried = ✅ ¡Qué bien! ¿Cómo les fue?
toast-thanks-skipped = No pasa nada. Hay días así.
toast-thanks = Gracias por contarme.
follow-up-3 = 😊 ¡Qué bien! <b>¿Qué ayudó a que saliera bien?</b> Con una línea basta, y te sirve para repetirlo.
follow-up-2 = 😐 Que salga a medias es normal, y cuenta igual. <b>¿Qué vale la pena conservar para la próxima?</b>
follow-up-1 =
    😣 Gracias por intentarlo: las veces difíciles también cuentan.

    💡 <b>Algo para probar la próxima vez:</b> { $tip }

    <b>¿Qué lo hizo difícil?</b> Ponerle nombre suele hacer más fácil el siguiente intento.
tip-default = La próxima vez, que dure solo dos minutos, y paren mientras todavía va bien.
note-invite = Si quieres, respóndeme con una línea. { $privacy } O toca Saltar.
note-private = Queda solo para tu familia.
note-shared = { $names } también la verá, porque compartes tus notas (puedes cambiarlo en /mytherapist).
note-saved = 📝 Guardado. Gracias por tomarte el tiempo.
note-skipped = Está bien. Bien hecho por intentarlo.
note-too-long = ¡Cuánto tienes para contar! ¿Puedes dejar la nota en unos 280 caracteres?
later-ok = ⏰ Te la traigo de nuevo el { $when }.
toast-later-ok = ⏰ Te la traigo de nuevo a las { $when }.
not-sent-yet = Esa idea ya no se puede responder.
no-child-in-band = Por ahora no tengo ideas para la edad de tus hijos. Puedes agregar o cambiar un hijo o hija en /settings.
prompt-send-failed = No pude enviarla justo ahora. Inténtalo de nuevo en un minuto.
prompt-on-its-way = Telegram me pidió ir más despacio un momento: tu idea ya va en camino.

## /settings
settings =
    ⚙️ <b>Tu configuración</b>

    🕖 Hora: { $time }
    🌍 Zona horaria: { $zone }
    📅 Días: { $days }
    🔔 Recordatorios: { $nudges ->
        [on] activados
       *[off] desactivados
    }
    👶 Hijos: { $children }
    Estado: { $status }
    Próxima idea: { $next }
settings-child = { $name } ({ $born })
settings-child-unnamed = sin apodo ({ $born })
settings-no-children = ninguno todavía
status-paused-until = en pausa hasta el { $day }
status-active = activo
status-stopped = detenido (toca /start para volver a empezar)
btn-time = 🕖 Hora
btn-days = 📅 Días
btn-timezone = 🌍 Zona horaria
btn-children = 👶 Hijos
btn-reminders = { $on ->
    [on] 🔔 Recordatorios: sí
   *[off] 🔔 Recordatorios: no
}
btn-coparents = 👪 Otros cuidadores
btn-resume = ▶️ Reanudar
btn-pause = ⏸ Pausar
tz-set = 🌍 Zona horaria: { $zone }.
time-set-settings = 🕖 Hora: { $time }.{ $note }
days-set = 📅 Días: { $days }.
reminders-now = { $on ->
    [on] 🔔 Recordatorios activados.
   *[off] 🔔 Recordatorios desactivados.
}
children =
    👶 <b>Hijos</b>

    { $list }
children-none = Ninguno todavía.
children-line = • { $name }: nació en { $born }{ $band }
children-line-unnamed = • Sin apodo: nació en { $born }{ $band }
children-band = { " " }({ $band })
btn-edit-child = ✏️ Editar a { $name }
btn-remove-child = ✖ Quitar a { $name }
btn-add-child = ➕ Agregar un hijo o hija
btn-back = ⬅ Volver
toast-last-child = Una familia necesita al menos un hijo o hija. Agrega otro primero.
toast-removed = Listo, quitado.
edit-child = ✏️ <b>{ $name }</b>, nació en { $born }. ¿Qué quieres cambiar?
edit-child-unnamed = ✏️ <b>Sin apodo</b>, nació en { $born }. ¿Qué quieres cambiar?
btn-change-nickname = Cambiar el apodo
btn-change-birth = Cambiar el mes de nacimiento
ask-new-nickname = ¿Cómo le digo a este hijo o hija? Escribe un apodo (hasta 32 caracteres).
nickname-changed = ✏️ Apodo cambiado a { $name }.
birth-changed = 🎂 Mes de nacimiento cambiado a { $born }.

## Pausa
pause-ask = ⏸ <b>¿Te tomas un descanso?</b> Sin ideas ni recordatorios hasta que vuelvas.
btn-pause-week = 1 semana
btn-pause-two-weeks = 2 semanas
btn-pause-until = Hasta una fecha…
pause-ask-date = ¿Hasta qué fecha? Por ejemplo <code>2026-12-27</code> o <code>27/12</code>.
pause-date-unclear = No pude leer esa fecha. Prueba con <code>2026-12-27</code> o <code>27/12</code>.
pause-date-past = Esa fecha ya pasó. Elige una fecha después de hoy.
pause-date-far = Eso es dentro de más de un año. Elige una fecha en los próximos 12 meses.
paused = ⏸ En pausa hasta el { $day }. Sin ideas ni recordatorios hasta entonces. Próxima idea: { $next }. ¿Cambiaste de opinión? /resume
resumed = ▶️ ¡Qué bueno tenerte de vuelta! Próxima idea: { $next }.
not-paused = No estás en pausa. Próxima idea: { $next }.

## Descargar y borrar
export-caption = Aquí están todos los datos de tu familia.
nothing-stored = No tengo nada guardado sobre ti. 🌱
toast-nothing-stored = No tengo nada guardado sobre ti.
delete-ask =
    🗑 <b>¿Borrar todo?</b>

    Esto borra para siempre a tu familia, tus hijos, tu horario, las ideas y las respuestas. No se puede deshacer. (Consejo: usa /export antes si quieres una copia.)
delete-shared = 👪 Compartes esta familia con otros cuidadores, así que también se borra para ellos. Si solo quieres dejarlo tú, mejor sal de la familia: /settings → Otros cuidadores.
btn-delete-yes = 🗑 Sí, borrar todo
btn-cancel = Cancelar
deleted = Todo quedó borrado. Gracias por el tiempo que pasaste aquí. Si algún día quieres volver a empezar, toca /start.
delete-cancelled = No se borró nada.
erased-by-coparent = ℹ️ Otra persona que cuida a tu familia borró sus datos aquí. Toca /start para empezar de nuevo.

## Historial y avance
history-title = 📖 <b>Tus ideas recientes</b>
history-empty = 📖 Todavía no hay ideas. La primera llega { $next }, o prueba /prompt ahora.
history-line = • { $day }: { $title }{ $child }: { $result }{ $by }
history-child = { " " }({ $name })
history-later = ⏰ vuelve más tarde hoy
history-no-answer = sin respuesta todavía
history-by-you = { " " }· respondiste tú
history-by-coparent = { " " }· respondió otra persona de la familia
history-by-skill = <b>Intentos por habilidad:</b>
history-skill = { "  " }{ $skill }: { $count }
history-totals = Enviadas { $sent } · intentadas { $tried } · saltadas { $skipped }
history-streak = { $weeks ->
    [one] 🔥 Racha: { $weeks } semana con al menos un intento.
   *[other] 🔥 Racha: { $weeks } semanas seguidas con al menos un intento.
}
history-no-streak = Prueba una esta semana para empezar una racha 🌱
history-picture = Todo en una imagen: /progress
progress-caption = { $total ->
    [0] 📈 Todavía no hay intentos en las últimas 8 semanas. La próxima idea es un buen lugar para empezar.
    [one] 📈 Tus últimas 8 semanas: { $total } intento. Cada uno cuenta.
   *[other] 📈 Tus últimas 8 semanas: { $total } intentos. Cada uno cuenta.
}
chart-per-week = Intentos por semana
chart-per-skill = Intentos por habilidad
chart-none = Todavía no hay intentos

## Ayuda en el momento
help-now = 🧭 <b>Ayuda en el momento.</b> Elige lo que está pasando y te doy unos pasos cortos.
help-closest = 🧭 Suena difícil. ¿Cuál de estos se parece más? Te doy unos pasos cortos para eso.
help-card-title = 🧭 <b>{ $title }</b>: para { $who }
help-no-card = Todavía no tengo una tarjeta para eso.
help-hard-moment = Parece un momento difícil. Aquí va algo corto que puede ayudar.
help-for-later = 💡 <b>Para después, cuando todo esté en calma</b>
toast-help-expired = Este botón ya no funciona. Prueba con /help_now.
btn-support-lines = ☎️ Líneas de apoyo

## Otros cuidadores
members-title = 👪 <b>Otros cuidadores</b>
members-line = { $role ->
    [owner] • Cuidador { $n }{ $you }: titular
   *[caregiver] • Cuidador { $n }{ $you }: cuidador
}
members-you = { " " }(tú)
members-footer = Todos aquí reciben las mismas ideas y pueden responderlas. /history muestra quién respondió.
btn-remove-caregiver = ✖ Quitar al cuidador { $n }
btn-invite-coparent = ➕ Invitar a otro cuidador
btn-leave-family = 🚪 Salir de esta familia
toast-only-owner-invites = Solo quien creó la familia puede invitar.
invite-coparent =
    🔗 <b>Invitar a otro cuidador</b>

    Envía este enlace a la otra mamá, papá o persona que cuida. Sirve una sola vez y vence el { $expires }:

    { $link }

    Verá las mismas ideas y podrá responderlas, sin tener que configurar nada.
remove-ask = ¿Quitar a este cuidador? Dejará de recibir ideas y ya no podrá ver el historial de tu familia.
btn-remove-yes = Sí, quitar
btn-keep = Mejor no
removed-you = ℹ️ Te quitaron de una familia en este bot. Toca /start para crear la tuya.
leave-ask-last =
    🚪 <b>¿Salir de esta familia?</b>

    Eres la única persona que la cuida aquí, así que salir <b>borra para siempre los datos de tu familia</b>: hijos, horario, ideas y respuestas. (Consejo: usa /export antes.)
leave-ask =
    🚪 <b>¿Salir de esta familia?</b>

    Dejarás de recibir ideas. Tu familia sigue con los demás.
btn-leave-yes = Sí, salir
btn-stay = Quedarme
left-family = Saliste de la familia. Si quieres ideas para ti, toca /start.
coparent-left = ℹ️ Otra persona que cuida salió de tu familia aquí. Todo lo demás sigue igual.
toast-nothing-changed = No cambió nada.
join-welcome =
    👋 <b>¡Hola! Te invitaron a unirte a una familia aquí.</b>

    Soy una pequeña ayuda para acompañar las emociones en casa. Recibirás las mismas ideas cortas que el resto de tu familia, a la misma hora, y cualquiera de ustedes puede responderlas.

    <b>Lo que no soy:</b> no soy terapeuta y nadie lee este chat. Si alguien está en peligro, llama al número de emergencias de tu país.

    <b>Lo que guardo si estás de acuerdo:</b> tu id de Telegram y tus respuestas, junto a los hijos, el horario y las respuestas de tu familia. Puedes salir cuando quieras, y /export y /delete también funcionan para ti.

    ¿Te parece bien?
joined = 🎉 <b>Ya eres parte de tu familia aquí.</b> Las ideas llegan a la hora de la familia; respóndelas igual que los demás. /history muestra quién respondió qué. Puedes salir cuando quieras desde /settings → Otros cuidadores.
joined-next = Próxima idea: { $next }.
coparent-joined = 👪 Otra persona que cuida se unió a tu familia aquí. Recibirá las mismas ideas.
join-unknown = No reconozco ese enlace de invitación. Pide uno nuevo a quien te lo envió.
join-expired = Ese enlace de invitación venció (duran 3 días). Pide uno nuevo.
join-used = Ese enlace de invitación ya se usó. Cada enlace sirve una sola vez.
join-full = Esa familia ya tiene todos los cuidadores que puedo guardar.
join-has_family = Ya tienes una familia configurada aquí. Para unirte a otra, primero sal de la tuya (/settings → Otros cuidadores) o bórrala con /delete.
history-therapist-prompt = Una idea de tu terapeuta
history-a-prompt = Una idea
