// Search in conversations (text, a fault report's number, dates): the server searches only the
// queues this staff member works in and the conversations they handled.
import { $, api } from "/staff/common.js";
import { openHandoff } from "/staff/conversation.js";
import { named, t } from "/staff/i18n.js";
import { el } from "/widget/dom.js";

async function search(event) {
  event.preventDefault();
  const query = new URLSearchParams();
  for (const [name, id] of [["q", "search-q"], ["from", "search-from"], ["to", "search-to"]]) {
    if ($(id).value.trim()) query.set(name, $(id).value.trim());
  }
  const list = $("search-results");
  if (![...query.keys()].length) {
    $("search-status").textContent = t("searchHint");
    list.replaceChildren();
    return;
  }
  const { ok, data } = await api(`/api/staff/search?${query}`);
  if (!ok) {
    $("search-status").textContent = data.error || t("failed");
    return;
  }
  $("search-status").textContent = data.results.length ? t("searchCount", { n: data.results.length }) : t("searchNone");
  list.replaceChildren(...data.results.map((r) => el("li", { "data-handoff": r.id },
    el("div", { class: "item-head" },
      el("span", { class: "badge", lang: r.lang, text: r.lang.toUpperCase() }),
      el("span", { text: new Date(r.created_at).toLocaleDateString(`${document.documentElement.lang}-FI`) }),
      el("span", { text: `${named("queue", r.queue)} · ${named("status", r.status)}` }),
      el("span", { text: r.matches.map((m) => named("searchMatch", m)).join(", ") })),
    el("p", { class: "item-text", text: r.snippet || r.first_message || "" }),
    el("button", { type: "button", text: t("open"), onclick: () => openHandoff(r.id) }))));
}

export function setUpSearch() {
  $("search-form").addEventListener("submit", search);
}
