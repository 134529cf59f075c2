// One conversation with a resident: the transcript (plain words; what the assistant understood only
// behind "details"), the reply box, notes, hand back, transfer, close, the transcript as a file,
// and the real-time events of the /staff namespace.
import { notify, tone } from "/staff/alerting.js";
import { $, api, setStatus, state } from "/staff/common.js";
import { lang, named, t, timeOf } from "/staff/i18n.js";
import { claim, markUnread, refreshQueue } from "/staff/queue.js";
import { isEmergency } from "/widget/core.js";
import { el } from "/widget/dom.js";
import { io } from "/widget/vendor/socket.io.esm.min.js";

function transcriptItem(m) {
  if (m.from === "system") return el("li", { class: "system", text: named("system", m.text) });
  const emergency = isEmergency(m);
  const label = m.from === "staff" && m.staff
    ? `${m.staff.first_name} (${named("role", m.staff.role)})`
    : named("from", m.from);
  const detail = m.topic
    ? t("detailTopic", { topic: m.topic })
    : m.intent ? t("detailIntent", { intent: m.intent, percent: Math.round((m.confidence ?? 0) * 100) }) : "";
  const li = el("li", { class: `${m.from}${emergency ? " emergency" : ""}`, lang: m.lang || null });
  const from = el("span", { class: "from", text: `${emergency ? t("emergencyAnswer") : ""}${label} ${m.ts ? timeOf(m.ts) : ""}` });
  if (detail) from.append(el("span", { class: "detail", text: ` · ${detail}` }));
  li.append(from, document.createTextNode(m.text || ""));
  return li;
}

function showEmergency() {
  $("conv-alert").textContent = t("emergencyText");
  $("conv-alert").hidden = false;
  revealAlert();
}

/** The alert sits just above the reply box; scrolled into view with it, so a nurse answering
 * never has it out of sight (with a long queue the page is taller than the screen). */
export function revealAlert() {
  if (!$("conv-alert").hidden) $("conv-alert").scrollIntoView({ block: "nearest" });
}

export async function openHandoff(id) {
  // the last one asked for is shown: an earlier, slower answer (a claim, then a quick click on
  // another) neither replaces it nor marks the earlier conversation read
  const ticket = (state.opening = (state.opening || 0) + 1);
  const { ok, data } = await api(`/api/staff/handoffs/${id}`);
  if (ticket !== state.opening) return;
  if (!ok) return setStatus(data.error || t("cannotOpen"));
  state.current = data.handoff;
  if (state.unread.delete(id)) refreshQueue();
  $("conv-empty").hidden = true;
  $("conv").hidden = false;
  const h = data.handoff;
  $("conv-meta").textContent = t("convMeta", {
    id: h.id, queue: named("queue", h.queue), topic: h.topic_title || t("topicUnknown"),
    lang: named("lang", h.lang), status: named("status", h.status), staff: h.staff ? h.staff.first_name : "",
  });
  $("conv-alert").hidden = !h.emergency;
  $("conv-alert").textContent = h.emergency ? t("emergencyText") : "";
  $("transcript").replaceChildren(...data.transcript.map(transcriptItem));
  $("notes").replaceChildren(...data.notes.map((n) => el("li", { text: `${n.author}: ${n.text}` })));
  const mine = h.status === "active" && h.claimed_by === state.me.id;
  $("reply-form").hidden = !mine;
  $("handback").hidden = !mine;
  $("close").parentElement.hidden = !mine;
  $("claim").hidden = h.status !== "queued";
  $("transfer").parentElement.hidden = !["queued", "active"].includes(h.status);
  // the server writes the file (who said what, without notes or technical details)
  $("download").href = `/api/staff/handoffs/${h.id}/transcript.txt?lang=${lang()}`;
  scrollTranscript();
  state.socket?.emit("watch", { handoff_id: h.id });
  await loadCanned(h.lang);
}

function scrollTranscript() {
  const box = $("transcript-box");
  box.scrollTop = box.scrollHeight;
}

async function loadCanned(residentLang) {
  const { ok, data } = await api(`/api/staff/canned?lang=${encodeURIComponent(residentLang)}`);
  const select = $("canned");
  select.replaceChildren(el("option", { value: "", text: t("cannedPick") }));
  if (!ok || !state.current) return;
  for (const c of data.canned[state.current.queue] || []) select.append(el("option", { value: c.text, text: c.title }));
}

function sendTyping(on) {
  if (!state.current || !state.socket) return;
  const now = Date.now();
  if (on && now - state.lastTyping < 2000) return;
  state.lastTyping = on ? now : 0;
  state.socket.emit("typing", { handoff_id: state.current.id, on });
  clearTimeout(state.typingTimer);
  if (on) state.typingTimer = setTimeout(() => sendTyping(false), 4000);
}

async function act(action, body, done) {
  if (!state.current) return;
  const { ok, data } = await api(`/api/staff/handoffs/${state.current.id}/${action}`, { method: "POST", body });
  if (!ok) return setStatus(data.error || t("failed"));
  setStatus(t(done));
  await refreshQueue();
  await openHandoff(state.current.id);
}

export function setUpConversation() {
  $("show-details").addEventListener("change", (event) => {
    $("transcript-box").classList.toggle("show-details", event.target.checked);
  });
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
    if (!ok) return setStatus(data.error || t("notSent"));
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
  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("note").value.trim();
    if (!text || !state.current) return;
    const { ok, data } = await api(`/api/staff/handoffs/${state.current.id}/notes`, { method: "POST", body: { text } });
    if (!ok) return setStatus(data.error || t("noteNotSaved"));
    $("note").value = "";
  });
  $("claim").addEventListener("click", () => state.current && claim(state.current.id));
  $("handback").addEventListener("click", () => act("return", {}, "handedBack"));
  $("transfer").addEventListener("click", () => act("transfer", { queue: $("transfer-queue").value }, "transferred"));
  $("close").addEventListener("click", () => act("close", { outcome: $("outcome").value }, "closed"));
  // back in this tab: the open conversation is read
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && state.current && state.unread.delete(state.current.id)) refreshQueue();
  });
}

export function connectSocket() {
  if (state.socket) state.socket.disconnect();
  const socket = io("/staff", { path: "/socket.io/", transports: ["websocket", "polling"] });
  state.socket = socket;
  const isOpen = (m) => state.current && m.handoff_id === state.current.id;
  socket.on("connect", () => state.current && socket.emit("watch", { handoff_id: state.current.id }));
  socket.on("queue_changed", () => refreshQueue());
  socket.on("resident_message", (m) => {
    if (!isOpen(m)) return;
    $("resident-typing").hidden = true;
    $("transcript").append(transcriptItem({ from: "resident", text: m.text, ts: m.ts }));
    if (m.emergency) showEmergency();
    scrollTranscript();
  });
  // the assistant's messages (the 112 answer above all) as they are sent, not on a refresh
  socket.on("bot_message", (m) => {
    if (m.emergency && state.emergencies.has(m.handoff_id)) {
      tone(); // a new emergency in a conversation already flagged (a new one is announced by refreshQueue)
      notify(t("emergencyTitle"), `${m.handoff_id}: ${t("emergencyText")}`, `emergency-${m.handoff_id}`);
    }
    if (m.emergency) refreshQueue();
    if (!isOpen(m)) return;
    $("transcript").append(transcriptItem({ from: "bot", text: m.text, topic: m.topic, lang: m.lang, ts: m.ts }));
    if (m.emergency) showEmergency();
    scrollTranscript();
  });
  // a message in one of my conversations that is not the one open here (or this tab is hidden)
  socket.on("unread", (m) => {
    if (isOpen(m) && !document.hidden) return;
    markUnread(m.handoff_id);
    refreshQueue();
  });
  socket.on("resident_typing", (m) => {
    if (isOpen(m)) $("resident-typing").hidden = !m.on;
  });
  socket.on("note_added", (m) => {
    if (isOpen(m)) $("notes").append(el("li", { text: `${m.note.author}: ${m.note.text}` }));
  });
}
