// Staff console: queues, claiming, the conversation with the resident, notes, hand back,
// transfer and close. Every text from residents or staff is inserted with textContent.
import { isEmergency } from "/widget/core.js";
import { askPermission, canAsk, notify, tone } from "/staff/alerting.js";
import { startAnalytics, stopAnalytics } from "/staff/analytics.js";
import { el } from "/widget/dom.js";
import { io } from "/widget/vendor/socket.io.esm.min.js";

const HEADERS = { "Content-Type": "application/json", "X-Requested-With": "citizenbot" };
const $ = (id) => document.getElementById(id);
// Plain words for staff; the internal names (intents, confidences, topic ids) only behind
// "Näytä tekniset tiedot".
const QUEUE_NAMES = { nurse: "Sairaanhoitajat", agent: "Asiakaspalvelu" };
const ROLE_NAMES = { nurse: "sairaanhoitaja", agent: "asiakaspalvelija", admin: "ylläpitäjä", trainer: "kouluttaja", analyst: "analyytikko" };
const STATUS_NAMES = {
  queued: "jonossa", active: "käsittelyssä", returned: "palautettu avustajalle", closed: "päätetty",
  cancelled: "asukas poistui jonosta",
};
const LANG_NAMES = { fi: "suomi", sv: "ruotsi", en: "englanti" };
const FROM = { resident: "Asukas", bot: "Avustaja", staff: "Henkilöstö" };
const SYSTEM_TEXT = { pause: "Henkilöstö otti keskustelun, avustaja on hiljaa.", resume: "Avustaja vastaa taas." };
const EMERGENCY_TEXT = "Hätätilanne: asukas kuvasi hengenvaarallisen tilanteen, ja avustaja kehotti soittamaan heti 112.";

const state = {
  me: null, current: null, socket: null, typingTimer: null, lastTyping: 0,
  emergencies: new Set(), // announced once
  unread: new Set(), // my conversations with a message I have not seen
  queued: null, // ids seen waiting (null before the first load: no alert for what was already there)
};
const TITLE = document.title;

async function api(path, { method = "GET", body } = {}) {
  const response = await fetch(path, {
    method,
    headers: method === "GET" ? {} : HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    /* empty body */
  }
  if (response.status === 401 && path !== "/api/staff/login") showLogin();
  return { ok: response.ok, status: response.status, data };
}

function setStatus(text) {
  $("status").textContent = text || "";
}

function minutes(seconds) {
  const m = Math.floor((seconds || 0) / 60);
  const s = (seconds || 0) % 60;
  return `${m} min ${String(s).padStart(2, "0")} s`;
}

// --- login -----------------------------------------------------------------------------------

function showLogin() {
  state.me = null;
  if (state.socket) state.socket.disconnect();
  $("console-view").hidden = true;
  $("review-view").hidden = true;
  $("reports-view").hidden = true;
  $("analytics-view").hidden = true;
  stopAnalytics();
  $("who").hidden = true;
  $("login-view").hidden = false;
  $("username").focus();
}

async function showConsole(me) {
  state.me = me;
  $("login-view").hidden = true;
  $("console-view").hidden = false;
  $("who").hidden = false;
  $("notifications").hidden = !canAsk() || me.queues.length === 0; // alerts are for those who take conversations
  $("who-name").textContent = `${me.first_name}, ${ROLE_NAMES[me.role] || me.role}`;
  const reviews = ["trainer", "admin"].includes(me.role);
  $("review-view").hidden = !reviews;
  $("console-view").hidden = me.queues.length === 0;
  const reports = ["agent", "admin"].includes(me.role);
  $("reports-view").hidden = !reports;
  const analytics = ["analyst", "admin"].includes(me.role);
  $("analytics-view").hidden = !analytics;
  if (reports) await loadReports();
  if (reviews) await loadReview();
  if (analytics) await startAnalytics(api);
  if (me.queues.length) {
    connectSocket();
    await refreshQueue();
  }
}

// --- the trainers' review inbox ----------------------------------------------------------------

async function loadReview() {
  if (!state.topics) {
    const { ok, data } = await api("/api/staff/review/topics");
    state.topics = ok ? data : [];
  }
  const lang = $("review-lang").value;
  const [overview, groups] = await Promise.all([
    api("/api/staff/review/overview"),
    api(`/api/staff/review/groups${lang ? `?lang=${lang}` : ""}`),
  ]);
  if (overview.ok) {
    const waiting = overview.data.waiting_by_lang || {};
    $("review-overview").textContent = `Odottaa: ${Object.entries(waiting).map(([l, n]) => `${l} ${n}`).join(", ") || "ei mitään"}`;
  }
  const list = $("review-groups");
  list.replaceChildren();
  for (const group of groups.ok ? groups.data.groups : []) list.append(reviewGroup(group));
  if (!list.children.length) list.append(el("li", { text: "Ei tarkistettavaa." }));
}

function reviewGroup(group) {
  const li = el("li", { "data-group": group.id });
  const reasons = Object.entries(group.reasons || {}).map(([r, n]) => `${r} ${n}`).join(", ");
  const predicted = (group.predicted || []).map((p) => p.topic).join(", ");
  li.append(el("div", { class: "item-head" },
    el("span", { class: "badge", text: group.lang.toUpperCase() }),
    el("span", { text: `${group.count} × · ${reasons}` }),
    predicted ? el("span", { text: `luokitin: ${predicted}` }) : null));
  const texts = el("ul");
  for (const item of group.items || []) texts.append(el("li", { text: `${item.text}${item.count > 1 ? ` (${item.count})` : ""}` }));
  li.append(texts);
  const selectId = `topic-${group.id}`;
  const select = el("select", { id: selectId });
  for (const t of state.topics) select.append(el("option", { value: t.id, text: `${t.id} – ${(t.title && t.title.fi) || ""}` }));
  const decide = async (action) => {
    const decision = { ids: group.ids, action };
    if (action === "assign") decision.topic = select.value;
    const { ok, data } = await api("/api/staff/review/decide", { method: "POST", body: { decisions: [decision] } });
    $("review-status").textContent = ok
      ? `Tallennettu: ${data.written.length} esimerkkiä koulutusdataan${data.not_written.length ? `, ${data.not_written.length} jätetty pois` : ""}.`
      : data.error || "Ei onnistunut.";
    await loadReview();
  };
  li.append(
    el("label", { for: selectId, text: "Aihe" }), select,
    el("button", { type: "button", text: "Lisää esimerkiksi aiheeseen", onclick: () => decide("assign") }),
    el("button", { type: "button", text: "Ei kuulu palveluun", onclick: () => decide("out_of_scope") }),
    el("button", { type: "button", text: "Ohita", onclick: () => decide("ignore") }),
  );
  return li;
}

// --- fault reports not at the city ------------------------------------------------------------

const REPORT_STATES = { pending: "Odottaa uutta yritystä", failed: "Epäonnistui", uncertain: "Epävarma" };
const REPORT_ACTIONS = {
  pending: [["retry", "Lähetä nyt"]],
  failed: [["retry", "Lähetä uudelleen"]],
  uncertain: [["check", "Tarkista kaupungilta"], ["resend", "Lähetä silti uudelleen"]],
};

async function loadReports() {
  const { ok, data } = await api("/api/staff/reports");
  if (!ok) return;
  const counts = data.counts || {};
  $("reports-overview").textContent = Object.entries(REPORT_STATES).map(([s, name]) => `${name}: ${counts[s] || 0}`).join(" · ");
  const list = $("reports");
  list.replaceChildren(...data.reports.map(reportItem));
  if (!data.reports.length) list.append(el("li", { text: "Kaikki ilmoitukset ovat kaupungilla." }));
}

function reportItem(r) {
  const li = el("li", { class: r.state === "pending" ? "" : "attention", "data-report": r.number });
  li.append(
    el("div", { class: "item-head" },
      el("span", { class: "badge", text: String(r.number) }),
      r.public_ref ? el("span", { text: `tunnus ${r.public_ref}` }) : null,
      el("strong", { text: REPORT_STATES[r.state] || r.state }),
      el("span", { text: `${r.category} · ${r.location}` }),
      el("span", { text: `yrityksiä ${r.attempts}` }),
      el("span", { text: new Date(r.created_at).toLocaleString("fi-FI") })),
    el("p", { class: "item-text", text: `Syy: ${r.reason || "–"}` }),
    r.description ? el("p", { class: "item-text", text: r.description }) : null,
  );
  const act = async (action, label) => {
    const { ok, data } = await api(`/api/staff/reports/${r.number}/${action}`, { method: "POST" });
    $("reports-status").textContent = ok
      ? (action === "check" ? (data.found ? `Ilmoitus ${r.number} löytyi kaupungilta.` : `Ilmoitusta ${r.number} ei löytynyt kaupungilta.`) : `${label}: ilmoitus ${r.number}.`)
      : data.error || "Ei onnistunut.";
    await loadReports();
  };
  for (const [action, label] of REPORT_ACTIONS[r.state] || []) {
    li.append(el("button", { type: "button", text: label, onclick: () => act(action, label) }));
  }
  li.append(el("button", { type: "button", text: "Merkitse hoidetuksi", onclick: () => act("handled", "Merkitty hoidetuksi") }));
  return li;
}

$("reports-refresh").addEventListener("click", () => loadReports());

$("review-collect").addEventListener("click", async () => {
  const { ok, data } = await api("/api/staff/review/collect", { method: "POST" });
  $("review-status").textContent = ok ? `Kerätty: ${data.added} uutta viestiä.` : data.error || "Ei onnistunut.";
  await loadReview();
});
$("review-lang").addEventListener("change", () => loadReview());

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  const { ok, status, data } = await api("/api/staff/login", {
    method: "POST",
    body: { username: $("username").value, password: $("password").value },
  });
  $("password").value = "";
  if (ok) return showConsole(data.staff);
  $("login-error").textContent =
    status === 429 ? "Liian monta epäonnistunutta yritystä. Odota 15 minuuttia." : "Väärä käyttäjätunnus tai salasana.";
});

$("logout").addEventListener("click", async () => {
  await api("/api/staff/logout", { method: "POST" });
  showLogin();
});

// --- queues ----------------------------------------------------------------------------------

function handoffItem(h, { claimable }) {
  const li = el("li", { class: h.emergency ? "emergency" : "", "data-handoff": h.id });
  li.append(
    el(
      "div",
      { class: "item-head" },
      h.emergency ? el("strong", { text: "⚠ HÄTÄTILANNE – asukkaalle annettiin 112-ohje" }) : null,
      el("span", { class: "badge", lang: h.lang, title: LANG_NAMES[h.lang], text: h.lang.toUpperCase() }),
      state.unread.has(h.id) ? el("span", { class: "badge unread", text: "uusi viesti" }) : null,
      // left outside service hours: the resident is not waiting in the chat; answer here or by the contact
      h.kind === "message" ? el("span", { class: "badge left-message", text: "jätetty viesti" }) : null,
      el("span", { text: h.topic_title || h.topic || "aihe ei tiedossa" }),
      h.waiting_seconds !== null && h.waiting_seconds !== undefined
        ? el("span", { text: `odottanut ${minutes(h.waiting_seconds)}` })
        : null,
    ),
    el("p", { class: "item-text", text: h.first_message || "" }),
    ...(h.kind === "message" && h.contact ? [el("p", { class: "item-contact", text: `Yhteystieto: ${h.contact}` })] : []),
    el("button", { type: "button", text: "Avaa", onclick: () => openHandoff(h.id) }),
  );
  if (claimable) li.append(el("button", { type: "button", class: "claim-item", text: "Ota käsittelyyn", onclick: () => claim(h.id) }));
  return li;
}

/** A conversation that turned into an emergency is announced once (role="alert"), whichever list it is in. */
function announceEmergencies(items) {
  const fresh = items.filter((h) => h.emergency && !state.emergencies.has(h.id));
  for (const h of fresh) state.emergencies.add(h.id);
  if (!fresh.length) return;
  const h = fresh[fresh.length - 1];
  const text = `Hätätilanne, keskustelu ${h.id} (${QUEUE_NAMES[h.queue] || h.queue}): asukas kuvasi hengenvaarallisen tilanteen, ja avustaja kehotti soittamaan heti 112.`;
  $("emergency-notice").replaceChildren(
    document.createTextNode(`${text} `),
    el("button", { type: "button", text: `Avaa keskustelu ${h.id}`, onclick: () => openHandoff(h.id) }),
  );
  $("emergency-notice").hidden = false;
  tone();
  notify("Hätätilanne", text, `emergency-${h.id}`);
}

$("notifications").addEventListener("click", async () => {
  await askPermission();
  $("notifications").hidden = !canAsk();
});

/** A resident new in the queue: a tone and a notification (not for those waiting at login). */
function announceNewInQueue(waiting) {
  const fresh = state.queued ? waiting.filter((h) => !state.queued.has(h.id) && !h.emergency) : [];
  state.queued = new Set(waiting.map((h) => h.id));
  if (!fresh.length) return;
  tone("soft");
  for (const h of fresh) notify(`Uusi keskustelu jonossa: ${QUEUE_NAMES[h.queue] || h.queue}`, h.first_message || "", `queued-${h.id}`);
}

function showUnread() {
  document.title = state.unread.size ? `(${state.unread.size}) ${TITLE}` : TITLE;
}

async function refreshQueue() {
  const { ok, data } = await api("/api/staff/queue");
  if (!ok) return;
  const waiting = Object.values(data.queues).flat();
  announceEmergencies([...waiting, ...data.mine]);
  announceNewInQueue(waiting);
  for (const id of state.unread) if (!data.mine.some((h) => h.id === id)) state.unread.delete(id);
  showUnread();
  const box = $("queues");
  box.replaceChildren();
  for (const [queue, items] of Object.entries(data.queues)) {
    const list = el("ul", { class: "items", "aria-label": QUEUE_NAMES[queue] || queue });
    for (const h of items) list.append(handoffItem(h, { claimable: true }));
    box.append(el("h3", { text: `${QUEUE_NAMES[queue] || queue} (${items.length})` }), list);
    if (!items.length) box.append(el("p", { text: "Jono on tyhjä." }));
  }
  const mine = $("mine");
  mine.replaceChildren(...data.mine.map((h) => handoffItem(h, { claimable: false })));
  if (!data.mine.length) mine.append(el("li", { text: "Ei keskusteluja." }));
}

async function claim(id) {
  const { ok, status, data } = await api(`/api/staff/handoffs/${id}/claim`, { method: "POST" });
  if (!ok) {
    setStatus(status === 409 ? "Joku muu ehti ottaa keskustelun." : data.error || "Ei onnistunut.");
    await refreshQueue();
    return;
  }
  setStatus("Keskustelu on nyt sinulla. Avustaja on hiljaa, kunnes palautat keskustelun.");
  await refreshQueue();
  await openHandoff(id);
  $("reply").focus();
  revealAlert();
}

// --- one conversation ------------------------------------------------------------------------

function transcriptItem(m) {
  if (m.from === "system") return el("li", { class: "system", text: SYSTEM_TEXT[m.text] || m.text });
  const emergency = isEmergency(m);
  const label = m.from === "staff" && m.staff ? `${m.staff.first_name} (${ROLE_NAMES[m.staff.role] || m.staff.role})` : FROM[m.from] || m.from;
  const detail = m.topic
    ? `aihe ${m.topic}`
    : m.intent ? `tunnistettu ${m.intent}, varmuus ${Math.round((m.confidence ?? 0) * 100)} %` : "";
  const time = m.ts ? new Date(m.ts * 1000).toLocaleTimeString("fi-FI", { hour: "2-digit", minute: "2-digit" }) : "";
  const li = el("li", { class: `${m.from}${emergency ? " emergency" : ""}`, lang: m.lang || null });
  const from = el("span", { class: "from", text: `${emergency ? "⚠ 112-ohje · " : ""}${label} ${time}` });
  if (detail) from.append(el("span", { class: "detail", text: ` · ${detail}` }));
  li.append(from, document.createTextNode(m.text || ""));
  return li;
}

function showEmergency() {
  $("conv-alert").textContent = EMERGENCY_TEXT;
  $("conv-alert").hidden = false;
  revealAlert();
}

/** The alert sits just above the reply box; scrolled into view with it, so a nurse answering
 * never has it out of sight (with a long queue the page is taller than the screen). */
function revealAlert() {
  if (!$("conv-alert").hidden) $("conv-alert").scrollIntoView({ block: "nearest" });
}

async function openHandoff(id) {
  const { ok, data } = await api(`/api/staff/handoffs/${id}`);
  if (!ok) return setStatus(data.error || "Keskustelua ei voi avata.");
  state.current = data.handoff;
  if (state.unread.delete(id)) refreshQueue();
  $("conv-empty").hidden = true;
  $("conv").hidden = false;
  const h = data.handoff;
  const staff = h.staff ? `, ${h.staff.first_name}` : "";
  $("conv-meta").textContent =
    `Keskustelu ${h.id} · ${QUEUE_NAMES[h.queue] || h.queue} · ${h.topic_title || "aihe ei tiedossa"} · kieli: ${LANG_NAMES[h.lang] || h.lang} · ${STATUS_NAMES[h.status] || h.status}${staff}`;
  $("conv-alert").hidden = !h.emergency;
  $("conv-alert").textContent = h.emergency ? EMERGENCY_TEXT : "";
  $("transcript").replaceChildren(...data.transcript.map(transcriptItem));
  $("notes").replaceChildren(...data.notes.map((n) => el("li", { text: `${n.author}: ${n.text}` })));
  const mine = h.status === "active" && h.claimed_by === state.me.id;
  $("reply-form").hidden = !mine;
  $("handback").hidden = !mine;
  $("close").parentElement.hidden = !mine;
  $("claim").hidden = h.status !== "queued";
  $("transfer").parentElement.hidden = !["queued", "active"].includes(h.status);
  scrollTranscript();
  state.socket?.emit("watch", { handoff_id: h.id });
  await loadCanned(h.lang);
}

function scrollTranscript() {
  const box = $("transcript-box");
  box.scrollTop = box.scrollHeight;
}

$("show-details").addEventListener("change", (event) => {
  $("transcript-box").classList.toggle("show-details", event.target.checked);
});

async function loadCanned(lang) {
  const { ok, data } = await api(`/api/staff/canned?lang=${encodeURIComponent(lang)}`);
  const select = $("canned");
  select.replaceChildren(el("option", { value: "", text: "– valitse –" }));
  if (!ok || !state.current) return;
  for (const c of data.canned[state.current.queue] || []) select.append(el("option", { value: c.text, text: c.title }));
}

$("canned").addEventListener("change", (event) => {
  if (event.target.value) $("reply").value = event.target.value;
  event.target.value = "";
  $("reply").focus();
});

$("reply-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("reply").value.trim();
  if (!text || !state.current) return;
  const { ok, data } = await api(`/api/staff/handoffs/${state.current.id}/messages`, { method: "POST", body: { text } });
  if (!ok) return setStatus(data.error || "Viesti ei lähtenyt.");
  $("reply").value = "";
  $("transcript").append(transcriptItem({ from: "staff", text, ts: Date.now() / 1000, staff: { first_name: state.me.first_name, role: state.me.role } }));
  scrollTranscript();
  sendTyping(false);
});

$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("reply-form").requestSubmit();
  }
});

$("reply").addEventListener("input", () => sendTyping(true));
$("reply").addEventListener("focus", () => revealAlert());

function sendTyping(on) {
  if (!state.current || !state.socket) return;
  const now = Date.now();
  if (on && now - state.lastTyping < 2000) return;
  state.lastTyping = on ? now : 0;
  state.socket.emit("typing", { handoff_id: state.current.id, on });
  clearTimeout(state.typingTimer);
  if (on) state.typingTimer = setTimeout(() => sendTyping(false), 4000);
}

$("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("note").value.trim();
  if (!text || !state.current) return;
  const { ok, data } = await api(`/api/staff/handoffs/${state.current.id}/notes`, { method: "POST", body: { text } });
  if (!ok) return setStatus(data.error || "Muistiinpano ei tallentunut.");
  $("note").value = "";
});

async function act(action, body, done) {
  if (!state.current) return;
  const { ok, data } = await api(`/api/staff/handoffs/${state.current.id}/${action}`, { method: "POST", body });
  if (!ok) return setStatus(data.error || "Ei onnistunut.");
  setStatus(done);
  await refreshQueue();
  await openHandoff(state.current.id);
}

/** The conversation as the resident and the staff saw it, as a text file (internal notes and the
 * technical details left out). */
function transcriptText() {
  const lines = [$("conv-meta").textContent, ""];
  for (const li of $("transcript").children) {
    const from = li.querySelector(".from");
    const label = from ? [...from.childNodes].filter((n) => !n.classList?.contains("detail")).map((n) => n.textContent).join("") : "";
    const text = from ? li.textContent.slice(from.textContent.length) : li.textContent;
    if (label.trim()) lines.push(`${label.trim()}:`);
    lines.push(text.trim(), "");
  }
  return lines.join("\n");
}

$("download").addEventListener("click", () => {
  if (!state.current) return;
  const url = URL.createObjectURL(new Blob([transcriptText()], { type: "text/plain;charset=utf-8" }));
  const link = el("a", { href: url, download: `keskustelu-${state.current.id}.txt`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

$("claim").addEventListener("click", () => state.current && claim(state.current.id));
$("handback").addEventListener("click", () => act("return", {}, "Keskustelu palautettiin avustajalle."));
$("transfer").addEventListener("click", () => act("transfer", { queue: $("transfer-queue").value }, "Keskustelu siirrettiin."));
$("close").addEventListener("click", () => act("close", { outcome: $("outcome").value }, "Keskustelu päätettiin."));

// --- real time -------------------------------------------------------------------------------

function connectSocket() {
  if (state.socket) state.socket.disconnect();
  state.socket = io("/staff", { path: "/socket.io/", transports: ["websocket", "polling"] });
  state.socket.on("connect", () => state.current && state.socket.emit("watch", { handoff_id: state.current.id }));
  state.socket.on("queue_changed", () => refreshQueue());
  state.socket.on("resident_message", (m) => {
    if (!state.current || m.handoff_id !== state.current.id) return;
    $("resident-typing").hidden = true;
    $("transcript").append(transcriptItem({ from: "resident", text: m.text, ts: m.ts }));
    if (m.emergency) showEmergency();
    scrollTranscript();
  });
  // the assistant's messages (the 112 answer above all) as they are sent, not on a refresh
  state.socket.on("bot_message", (m) => {
    if (m.emergency && state.emergencies.has(m.handoff_id)) {
      tone(); // a new emergency in a conversation already flagged (a new one is announced by refreshQueue)
      notify("Hätätilanne", `Keskustelu ${m.handoff_id}: ${EMERGENCY_TEXT}`, `emergency-${m.handoff_id}`);
    }
    if (m.emergency) refreshQueue();
    if (!state.current || m.handoff_id !== state.current.id) return;
    $("transcript").append(transcriptItem({ from: "bot", text: m.text, topic: m.topic, lang: m.lang, ts: m.ts }));
    if (m.emergency) showEmergency();
    scrollTranscript();
  });
  // a message in one of my conversations that is not the one open here
  state.socket.on("unread", (m) => {
    if (state.current && m.handoff_id === state.current.id && !document.hidden) return;
    state.unread.add(m.handoff_id);
    refreshQueue();
  });
  state.socket.on("resident_typing", (m) => {
    if (state.current && m.handoff_id === state.current.id) $("resident-typing").hidden = !m.on;
  });
  state.socket.on("note_added", (m) => {
    if (state.current && m.handoff_id === state.current.id) $("notes").append(el("li", { text: `${m.note.author}: ${m.note.text}` }));
  });
}

// back in this tab: the open conversation is read
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && state.current && state.unread.delete(state.current.id)) refreshQueue();
});

setInterval(() => state.me && refreshQueue(), 15000);

(async () => {
  const { ok, data } = await api("/api/staff/me");
  if (ok) showConsole(data.staff);
  else showLogin();
})();
