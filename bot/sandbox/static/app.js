// The sandbox chat page: plain JS, no build step. The server sends HTML it rebuilt from Telegram's entities
// (bot/sandbox/view.py), so only Telegram's tags ever reach innerHTML; everything else uses textContent.
"use strict";

const api = (path, body) =>
  fetch("/sandbox/api/" + path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  }).then(async (r) => {
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.error || r.statusText);
    return data;
  });

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) node.append(c);
  return node;
};

let state = { people: [], commands: {}, bot: {} };
let current = null;
let pendingInvite = null;
const seenAnswers = new Set();
let firstChatLoad = true;

function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
}

function renderPeople() {
  const list = $("people");
  list.replaceChildren(...state.people.map((p) => {
    const b = el("button", { type: "button", className: p.id === current ? "active" : "" },
      p.name, el("span", { className: "role", textContent: p.role }));
    b.dataset.personId = p.id;
    b.addEventListener("click", () => choose(p.id));
    return el("li", {}, b);
  }));
  const roles = $("add-role");
  if (!roles.options.length) roles.replaceChildren(...state.roles.map((r) => el("option", { value: r, textContent: r })));
  const who = state.people.find((p) => p.id === current);
  $("chat-title").textContent = who ? `${who.name} (${who.role})` : "";
  $("bot-name").textContent = state.bot.username ? "@" + state.bot.username : "";
  const menu = $("menu");
  const commands = state.commands[String(current)] || [];
  menu.replaceChildren(...commands.map((c) => {
    const b = el("button", { type: "button" }, "/" + c.command, el("span", { className: "desc", textContent: c.description }));
    b.dataset.command = c.command;
    b.addEventListener("click", () => { menu.hidden = true; send("/" + c.command); });
    return el("li", {}, b);
  }));
}

function keyboard(msg) {
  const box = el("div", { className: "keyboard" });
  for (const row of msg.buttons) {
    const r = el("div", { className: "kb-row" });
    for (const b of row) {
      if (b.url !== undefined) {
        const a = el("a", { href: b.url, textContent: b.text, target: "_blank", rel: "noopener noreferrer" });
        r.append(a);
      } else {
        const btn = el("button", { type: "button", className: "inline-btn", textContent: b.text });
        btn.addEventListener("click", () => press(msg.id, b.data));
        r.append(btn);
      }
    }
    box.append(r);
  }
  return box;
}

function bubble(msg) {
  const node = el("div", { className: "msg " + msg.from });
  node.dataset.messageId = msg.id;
  if (msg.file) {
    const url = "/sandbox/api/files/" + encodeURIComponent(msg.file.id);
    if (msg.file.photo) {
      const link = el("a", { href: url, target: "_blank", rel: "noopener" }, el("img", { className: "photo", src: url, alt: msg.file.name }));
      node.append(link);
    }
    const size = msg.file.size < 2048 ? msg.file.size + " B" : Math.round(msg.file.size / 1024) + " KB";
    node.append(el("a", { className: "file download", href: url + "?download=1", download: msg.file.name, textContent: `⬇ ${msg.file.name} · ${size}` }));
  }
  const body = el("div", { className: "text" });
  body.innerHTML = msg.html; // rebuilt server-side from entities: Telegram's tags only, text escaped
  node.append(body);
  if (msg.buttons && msg.buttons.length) node.append(keyboard(msg));
  const when = new Date(msg.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  node.append(el("div", { className: "meta", textContent: (msg.edited ? "edited · " : "") + when }));
  return node;
}

function renderReplyKeyboard(messages) {
  const box = $("reply-keyboard");
  let rows = null;
  for (const m of messages) {
    if (m.from !== "bot") continue;
    if (m.reply_keyboard) rows = m.reply_keyboard;
    else if (m.remove_keyboard) rows = null;
  }
  box.replaceChildren(...(rows || []).map((row) => el("div", { className: "kb-row" }, ...row.map((text) => {
    const b = el("button", { type: "button", className: "reply-btn", textContent: text });
    b.addEventListener("click", () => send(text));
    return b;
  }))));
}

async function loadChat() {
  if (current === null) return;
  const who = current;
  const data = await api("chat/" + who);
  if (who !== current) return;
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const newest = data.messages.length ? data.messages[data.messages.length - 1].id : 0;
  const arrived = newest !== loadChat.newest;
  loadChat.newest = newest;
  box.replaceChildren(...data.messages.map(bubble));
  // Pictures load after layout: keep following the conversation when one arrives.
  const follow = atBottom || arrived;
  if (follow) box.querySelectorAll("img.photo").forEach((img) => img.addEventListener("load", () => { box.scrollTop = box.scrollHeight; }));
  renderReplyKeyboard(data.messages);
  for (const a of data.answers) {
    if (!seenAnswers.has(a.id)) {
      seenAnswers.add(a.id);
      if (!firstChatLoad) toast(a.text);
    }
  }
  firstChatLoad = false;
  if (follow) box.scrollTop = box.scrollHeight;
  box.querySelectorAll(".spoiler").forEach((s) => s.addEventListener("click", () => s.classList.add("shown")));
}

async function loadState() {
  state = await api("state");
  if (current === null || !state.people.some((p) => p.id === current)) {
    const parent = state.people.find((p) => p.role === "parent");
    current = (parent || state.people[0]).id;
  }
  $("clock").textContent = new Date(state.clock).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  renderPeople();
}

async function refresh() {
  try {
    await loadState();
    await loadChat();
  } catch (e) {
    toast("Could not reach the sandbox: " + e.message);
  }
}

function choose(id) {
  current = id;
  firstChatLoad = true;
  $("invite").hidden = true;
  refresh().then(() => { $("messages").scrollTop = $("messages").scrollHeight; });
}

async function send(text) {
  if (!text.trim()) return;
  try { await api(`chat/${current}/send`, { text }); } catch (e) { toast(e.message); }
}

async function press(messageId, data) {
  try { await api(`chat/${current}/press`, { message_id: messageId, data }); } catch (e) { toast(e.message); }
}

// Deep links (invites): t.me/<this bot>?start=<payload> opens as a person you pick, like tapping it in Telegram.
function deepLink(href) {
  let url;
  try { url = new URL(href); } catch { return null; }
  if (!["t.me", "telegram.me"].includes(url.hostname)) return null;
  const name = url.pathname.replace(/^\//, "");
  if (!state.bot.username || name.toLowerCase() !== state.bot.username.toLowerCase()) return null;
  return url.searchParams.get("start");
}

$("messages").addEventListener("click", (ev) => {
  const a = ev.target.closest("a[href]");
  if (!a) return;
  const payload = deepLink(a.href);
  if (payload === null) return;
  ev.preventDefault();
  pendingInvite = payload;
  const others = state.people.filter((p) => p.id !== current);
  $("invite-person").replaceChildren(...others.map((p) => el("option", { value: p.id, textContent: `${p.name} (${p.role})` })));
  $("invite").hidden = false;
});
$("invite-open").addEventListener("click", async () => {
  const id = Number($("invite-person").value);
  $("invite").hidden = true;
  choose(id);
  await send(pendingInvite ? "/start " + pendingInvite : "/start");
});
$("invite-cancel").addEventListener("click", () => { $("invite").hidden = true; });

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $("text");
  const text = input.value;
  input.value = "";
  send(text);
});
$("menu-button").addEventListener("click", () => { $("menu").hidden = !$("menu").hidden; });
$("add-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const p = await api("people", { name: $("add-name").value, role: $("add-role").value });
    $("add-name").value = "";
    choose(p.id);
  } catch (e) { toast(e.message); }
});

async function moveClock(action) {
  const buttons = [$("clock-next"), $("clock-hour"), $("clock-day")];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const r = await api("clock", { action });
    $("clock-note").textContent = r.note;
  } catch (e) { toast(e.message); }
  buttons.forEach((b) => { b.disabled = false; });
  refresh();
}
$("clock-next").addEventListener("click", () => moveClock("next_prompt"));
$("clock-hour").addEventListener("click", () => moveClock("hour"));
$("clock-day").addEventListener("click", () => moveClock("day"));

// Live updates: the server says "something changed"; the page fetches what it shows (a few KB).
let queued = false;
const events = new EventSource("/sandbox/api/events");
events.addEventListener("change", () => {
  if (queued) return;
  queued = true;
  setTimeout(() => { queued = false; refresh(); }, 80);
});

refresh();
