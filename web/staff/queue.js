// The queues and my conversations: waiting residents, emergencies announced once, someone new in
// the queue heard (unless muted) and notified, unread messages counted per conversation.
import { notify, tone } from "/staff/alerting.js";
import { $, api, setStatus, state } from "/staff/common.js";
import { openHandoff, revealAlert } from "/staff/conversation.js";
import { named, t } from "/staff/i18n.js";
import { el } from "/widget/dom.js";

function waited(seconds) {
  const s = seconds || 0;
  return t("waited", { min: Math.floor(s / 60), sec: String(s % 60).padStart(2, "0") });
}

export function handoffItem(h, { claimable }) {
  const li = el("li", { class: h.emergency ? "emergency" : "", "data-handoff": h.id });
  const unread = state.unread.get(h.id);
  li.append(
    el(
      "div",
      { class: "item-head" },
      h.emergency ? el("strong", { text: t("emergencyItem") }) : null,
      el("span", { class: "badge", lang: h.lang, title: named("lang", h.lang), text: h.lang.toUpperCase() }),
      unread ? el("span", { class: "badge unread", text: unread > 1 ? t("unreadMany", { n: unread }) : t("unread") }) : null,
      // left outside service hours: the resident is not waiting in the chat; answer here or by the contact
      h.kind === "message" ? el("span", { class: "badge left-message", text: t("leftMessage") }) : null,
      el("span", { text: h.topic_title || t("topicUnknown") }),
      h.waiting_seconds !== null && h.waiting_seconds !== undefined ? el("span", { text: waited(h.waiting_seconds) }) : null,
    ),
    el("p", { class: "item-text", text: h.first_message || "" }),
    ...(h.kind === "message" && h.contact ? [el("p", { class: "item-contact", text: t("leftContact", { contact: h.contact }) })] : []),
    el("button", { type: "button", text: t("open"), onclick: () => openHandoff(h.id) }),
  );
  if (claimable) li.append(el("button", { type: "button", class: "claim-item", text: t("claim"), onclick: () => claim(h.id) }));
  return li;
}

/** A conversation that turned into an emergency is announced once (role="alert"), whichever list it is in. */
function announceEmergencies(items) {
  const fresh = items.filter((h) => h.emergency && !state.emergencies.has(h.id));
  for (const h of fresh) state.emergencies.add(h.id);
  if (!fresh.length) return;
  const h = fresh[fresh.length - 1];
  const text = t("emergencyNotice", { id: h.id, queue: named("queue", h.queue) });
  $("emergency-notice").replaceChildren(
    document.createTextNode(`${text} `),
    el("button", { type: "button", text: t("openConversation", { id: h.id }), onclick: () => openHandoff(h.id) }),
  );
  $("emergency-notice").hidden = false;
  tone();
  notify(t("emergencyTitle"), text, `emergency-${h.id}`);
}

/** A resident new in the queue: a tone and a notification (not for those waiting at login). */
function announceNewInQueue(waiting) {
  const fresh = state.queued ? waiting.filter((h) => !state.queued.has(h.id) && !h.emergency) : [];
  state.queued = new Set(waiting.map((h) => h.id));
  if (!fresh.length) return;
  tone("soft");
  for (const h of fresh) notify(t("newInQueue", { queue: named("queue", h.queue) }), h.first_message || "", `queued-${h.id}`);
}

function showUnread() {
  const count = [...state.unread.values()].reduce((a, b) => a + b, 0);
  document.title = count ? `(${count}) ${t("pageTitle")}` : t("pageTitle");
}

export function markUnread(id) {
  state.unread.set(id, (state.unread.get(id) || 0) + 1);
}

export async function refreshQueue() {
  const { ok, data } = await api("/api/staff/queue");
  if (!ok) return;
  const waiting = Object.values(data.queues).flat();
  announceEmergencies([...waiting, ...data.mine]);
  announceNewInQueue(waiting);
  for (const id of state.unread.keys()) if (!data.mine.some((h) => h.id === id)) state.unread.delete(id);
  showUnread();
  const box = $("queues");
  box.replaceChildren();
  for (const [queue, items] of Object.entries(data.queues)) {
    const list = el("ul", { class: "items", "aria-label": named("queue", queue) });
    for (const h of items) list.append(handoffItem(h, { claimable: true }));
    box.append(el("h3", { text: `${named("queue", queue)} (${items.length})` }), list);
    if (!items.length) box.append(el("p", { text: t("queueEmpty") }));
  }
  const mine = $("mine");
  mine.replaceChildren(...data.mine.map((h) => handoffItem(h, { claimable: false })));
  if (!data.mine.length) mine.append(el("li", { text: t("noConversations") }));
}

export async function claim(id) {
  const { ok, status, data } = await api(`/api/staff/handoffs/${id}/claim`, { method: "POST" });
  if (!ok) {
    setStatus(status === 409 ? t("someoneElse") : data.error || t("failed"));
    await refreshQueue();
    return;
  }
  setStatus(t("claimed"));
  await refreshQueue();
  await openHandoff(id);
  $("reply").focus();
  revealAlert();
}
