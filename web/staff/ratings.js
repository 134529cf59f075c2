// Residents' end-of-chat ratings for those who take conversations: the average and count of each of
// my queues over the last 30 days, and the newest comments (stored redacted). No resident and no
// staff member is named in them.
import { $, api, state } from "/staff/common.js";
import { lang, named, t } from "/staff/i18n.js";
import { el } from "/widget/dom.js";

const DAYS = 30;
const NUMBER_LOCALE = { fi: "fi-FI", sv: "sv-FI", en: "en-GB" }; // 4,3 in Finnish and Swedish, 4.3 in English

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export async function loadRatings() {
  const to = new Date();
  const from = new Date(to.getTime() - (DAYS - 1) * 86400000);
  const queues = state.me.queues || [];
  const answers = await Promise.all(queues.map((queue) =>
    api(`/api/staff/ratings?from=${isoDay(from)}&to=${isoDay(to)}&comments=${encodeURIComponent(queue)}`)));
  const number = new Intl.NumberFormat(NUMBER_LOCALE[lang()] || "fi-FI", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const items = queues.map((queue, i) => {
    const { ok, data } = answers[i];
    const row = ok ? (data.queues || []).find((q) => q.queue === queue) : null;
    const name = named("queue", queue);
    const li = el("li", { "data-queue": queue },
      el("p", { text: row ? t("ratingsQueue", { queue: name, average: number.format(row.average), n: row.count })
        : t("ratingsNone", { queue: name }) }));
    const comments = ok ? (data.comments || []).slice(0, 5) : [];
    if (comments.length) {
      li.append(el("details", {}, el("summary", { text: t("ratingsComments") }),
        el("ul", {}, ...comments.map((c) => el("li", { text: t("ratingsComment", c) })))));
    }
    return li;
  });
  $("ratings").replaceChildren(...items);
}
