// Fault reports that are not at the city (agents, admins): retry, check, resend, mark handled.
import { $, api } from "/staff/common.js";
import { named, t } from "/staff/i18n.js";
import { el } from "/widget/dom.js";

const STATES = ["pending", "failed", "uncertain"];
const ACTIONS = {
  pending: [["retry", "reportRetryNow"]],
  failed: [["retry", "reportRetry"]],
  uncertain: [["check", "reportCheck"], ["resend", "reportResend"]],
};

export async function loadReports() {
  const { ok, data } = await api("/api/staff/reports");
  if (!ok) return;
  const counts = data.counts || {};
  $("reports-overview").textContent = STATES.map((s) => `${named("report", s)}: ${counts[s] || 0}`).join(" · ");
  const list = $("reports");
  list.replaceChildren(...data.reports.map(reportItem));
  if (!data.reports.length) list.append(el("li", { text: t("reportsAllSent") }));
}

function reportItem(r) {
  const li = el("li", { class: r.state === "pending" ? "" : "attention", "data-report": r.number });
  li.append(
    el("div", { class: "item-head" },
      el("span", { class: "badge", text: String(r.number) }),
      el("strong", { text: named("report", r.state) }),
      el("span", { text: `${r.category} · ${r.location}` }),
      el("span", { text: t("reportAttempts", { n: r.attempts }) }),
      el("span", { text: new Date(r.created_at).toLocaleString(`${document.documentElement.lang}-FI`) })),
    el("p", { class: "item-text", text: t("reportReason", { reason: r.reason || "–" }) }),
    r.description ? el("p", { class: "item-text", text: r.description }) : null,
    r.photo ? el("p", {}, el("a", { href: `/api/staff/reports/${r.number}/photo`, target: "_blank", rel: "noopener",
      text: t("reportPhoto", { n: r.number }) })) : null,
  );
  const act = async (action, label) => {
    const { ok, data } = await api(`/api/staff/reports/${r.number}/${action}`, { method: "POST" });
    $("reports-status").textContent = !ok
      ? data.error || t("failed")
      : action === "check"
        ? t(data.found ? "reportFound" : "reportNotFound", { n: r.number })
        : t("reportDone", { label, n: r.number });
    await loadReports();
  };
  for (const [action, key] of ACTIONS[r.state] || []) {
    li.append(el("button", { type: "button", text: t(key), onclick: () => act(action, t(key)) }));
  }
  li.append(el("button", { type: "button", text: t("reportHandled"), onclick: () => act("handled", t("reportHandledDone")) }));
  return li;
}

export function setUpReports() {
  $("reports-refresh").addEventListener("click", () => loadReports());
}
