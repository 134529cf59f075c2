// The trainers' page: what residents asked that the assistant did not handle well, collected when
// the page opens and every few minutes while it is open; each group gets a topic the trainer chooses
// (never a default), is out of scope, or is skipped. "New topic" does what `citizenbot topic add` does.
import { $, api, state } from "/staff/common.js";
import { LANGS, named, t } from "/staff/i18n.js";
import { el } from "/widget/dom.js";

const COLLECT_EVERY_MS = 5 * 60 * 1000;
let timer = null;

export async function startReview() {
  await collect({ quiet: true });
  clearInterval(timer);
  timer = setInterval(() => !document.hidden && collect({ quiet: true }), COLLECT_EVERY_MS);
}

export function stopReview() {
  clearInterval(timer);
  timer = null;
}

async function collect({ quiet = false } = {}) {
  const { ok, data } = await api("/api/staff/review/collect", { method: "POST" });
  if (!quiet || !ok || data.added) {
    $("review-status").textContent = ok ? t("reviewCollected", { n: data.added }) : data.error || t("failed");
  }
  await loadReview();
}

function topicName(topic) {
  return topic.title?.[document.documentElement.lang] || topic.title?.fi || topic.id;
}

export async function loadReview() {
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
    $("review-overview").textContent = t("reviewWaiting", { list: Object.entries(waiting).map(([l, n]) => `${named("lang", l)} ${n}`).join(", ") });
  }
  const list = $("review-groups");
  list.replaceChildren();
  for (const group of groups.ok ? groups.data.groups : []) list.append(reviewGroup(group));
  if (!list.children.length) list.append(el("li", { text: t("reviewEmpty") }));
}

function reviewGroup(group) {
  const li = el("li", { "data-group": group.id });
  const reasons = Object.entries(group.reasons || {}).map(([r, n]) => `${named("reason", r)} ${n}`).join(", ");
  const predicted = (group.predicted || []).map((p) => p.topic).join(", ");
  li.append(el("div", { class: "item-head" },
    el("span", { class: "badge", lang: group.lang, title: named("lang", group.lang), text: group.lang.toUpperCase() }),
    el("span", { text: `${t("reviewTimes", { n: group.count })} · ${reasons}` }),
    // the classifier's internal topic names only behind "details"
    predicted ? el("details", { class: "tech" }, el("summary", { text: t("details") }),
      el("span", { text: t("reviewPredicted", { topics: predicted }) })) : null));
  // what residents wrote, as quoted text (not boxes that look like inputs)
  const texts = el("ul", { class: "said", lang: group.lang });
  for (const item of group.items || []) texts.append(el("li", { text: `”${item.text}”${item.count > 1 ? ` × ${item.count}` : ""}` }));
  li.append(texts);
  const selectId = `topic-${group.id}`;
  const select = el("select", { id: selectId }, el("option", { value: "", text: t("topicChoose") }));
  for (const topic of state.topics) {
    select.append(el("option", { value: topic.id, text: topic.id === topicName(topic) ? topic.id : `${topicName(topic)} (${topic.id})` }));
  }
  const decide = async (action) => {
    const decision = { ids: group.ids, action };
    if (action === "assign") {
      if (!select.value) {
        $("review-status").textContent = t("chooseFirst");
        select.focus();
        return;
      }
      decision.topic = select.value;
    }
    const { ok, data } = await api("/api/staff/review/decide", { method: "POST", body: { decisions: [decision] } });
    $("review-status").textContent = ok
      ? t("reviewSaved", { written: data.written.length, skipped: data.not_written.length })
      : data.error || t("failed");
    await loadReview();
  };
  li.append(
    el("label", { for: selectId, text: t("topic") }), select,
    el("button", { type: "button", text: t("assign"), onclick: () => decide("assign") }),
    el("button", { type: "button", text: t("outOfScope"), onclick: () => decide("out_of_scope") }),
    el("button", { type: "button", text: t("ignore"), onclick: () => decide("ignore") }),
  );
  return li;
}

// --- a new topic --------------------------------------------------------------------------------

/** The form's fields per language, made once per language change (labels in the console's language). */
export function buildTopicForm() {
  const box = $("topic-fields");
  box.replaceChildren();
  for (const code of Object.keys(LANGS)) {
    const name = named("lang", code);
    const field = (kind, label, tag = "textarea") => el("p", {},
      el("label", { for: `topic-${kind}-${code}`, text: label }),
      el(tag, { id: `topic-${kind}-${code}`, name: `${kind}.${code}`, lang: code, ...(tag === "textarea" ? { rows: kind === "title" ? 1 : 4 } : {}) }));
    box.append(el("fieldset", { lang: code },
      el("legend", { text: name }),
      field("title", t("topicTitleIn", { lang: name }), "input"),
      field("answer", t("topicAnswerIn", { lang: name })),
      field("examples", t("topicExamplesIn", { lang: name })),
      field("heldout", t("topicHeldOutIn", { lang: name }))));
  }
}

async function addTopic(event) {
  event.preventDefault();
  const lines = (id) => $(id).value.split("\n").map((s) => s.trim()).filter(Boolean);
  const spec = { id: $("topic-id").value.trim(), kind: "faq", about: $("topic-about").value.trim(), title: {}, answer: {}, examples: {}, held_out: {} };
  for (const code of Object.keys(LANGS)) {
    spec.title[code] = $(`topic-title-${code}`).value.trim();
    spec.answer[code] = $(`topic-answer-${code}`).value.trim();
    spec.examples[code] = lines(`topic-examples-${code}`);
    spec.held_out[code] = lines(`topic-heldout-${code}`);
  }
  const { ok, data } = await api("/api/staff/review/topics", { method: "POST", body: spec });
  const problems = $("topic-problems");
  problems.replaceChildren();
  if (!ok) {
    $("topic-status").textContent = t("topicNotAdded");
    problems.append(...(data.problems || [data.error || t("failed")]).map((p) => el("li", { text: p })));
    $("topic-status").focus();
    return;
  }
  $("topic-status").textContent = t("topicAdded", { id: data.topic, files: data.files.join(", ") });
  $("topic-form").reset();
  state.topics = null;
  await loadReview();
}

export function setUpReview() {
  $("review-collect").addEventListener("click", () => collect());
  $("review-lang").addEventListener("change", () => loadReview());
  $("topic-form").addEventListener("submit", addTopic);
}
