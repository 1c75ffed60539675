# Compartido por todo el bot: el idioma, el menú de comandos, los nombres de habilidades, momentos y etapas,
# y las respuestas a botones que ya no sirven. Los mensajes son HTML de Telegram; btn-*, cmd-* y toast-* son texto.

# El locale de Babel para fechas y números ("vie, 20 mar"): español latinoamericano.
locale-babel = es_419

## /language
language-ask = 🌐 ¿En qué idioma quieres que te escriba?
language-set = ✅ Listo, desde ahora te escribo en español.

## El menú de comandos (texto simple)
cmd-prompt = Una idea para probar ahora
cmd-history = Lo que has probado hasta ahora
cmd-settings = Hora, días, zona horaria, hijos, recordatorios
cmd-pause = Tomar un descanso
cmd-resume = Volver después de una pausa
cmd-help_now = Ayuda en un momento difícil
cmd-progress = Tu avance en una imagen
cmd-mytherapist = Tus vínculos con terapeutas
cmd-therapist = Unirte como terapeuta familiar
cmd-help = Lo que puedo hacer
cmd-privacy = Qué datos guardo
cmd-language = Cambiar el idioma
cmd-export = Tus datos en un archivo
cmd-delete = Borrarlo todo
cmd-start = Empezar o volver a empezar
cmd-clients = Tus familias vinculadas
cmd-assign = Enviar una idea para la semana
cmd-pending = Ideas que están por salir
cmd-invite = Invitar a una familia
cmd-report = CSV con los resultados de tus familias
cmd-therapists = Solicitudes y aprobaciones de terapeutas

## Fechas: un día y una hora
date-at-time = { $day } a las { $time }

## Botones que ya no sirven
button-expired = Este botón ya no funciona. Prueba con /prompt o /help.
button-not-yours = Ese botón no es tuyo, así que no hice nada.
private-only = Funciono en un chat privado. Toca mi nombre y envíame /start allí.

## De quién habla una idea cuando la familia no puso apodo
child-fallback = { $band ->
    [toddler] tu peque
    [teen] tu adolescente
   *[other] tu hijo o hija
}

## Etapas (una por etapa de content/bands.yaml)
band-toddler = Primeros años
band-school = Edad escolar
band-teen = Adolescencia

## Habilidades
skill-notice = Notar lo que siente
skill-connect = Conectar
skill-validate = Escuchar y validar
skill-name = Ponerle nombre a lo que siente
skill-limits = Límites y soluciones juntos
skill-perspective = Ponerse en el lugar del otro
skill-reflection = Reflexionar
skill-repair = Reparar después de un choque
skill-calm = Tu propia calma

## Momentos del día
anchor-meal = en una comida
anchor-car = en el carro
anchor-bath = a la hora del baño
anchor-bedtime = a la hora de dormir
anchor-walk = en una caminata
anchor-play = mientras juegan
anchor-screen = con las pantallas
anchor-morning = en la mañana
anchor-pickup = a la salida de la escuela
anchor-chores = mientras hacen tareas de la casa
anchor-reading = mientras leen
anchor-anytime = en cualquier momento
