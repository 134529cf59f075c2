// "Was this helpful?" under an answer: two buttons whose choice the server stores with the
// answer's topic (read from the stored conversation, not sent from here) and the browser remembers.
import { t } from "./core.js";
import { el } from "./dom.js";

/** send(value, done) sends the vote; done(ack) is called with the server's answer. */
export function feedbackGroup(message, lang, store, send) {
  const group = el("div", { class: "feedback", role: "group", "aria-label": t(lang, "helpfulQuestion") });
  const question = el("span", { class: "feedback-question", text: t(lang, "helpfulQuestion") });
  const thanks = el("span", { class: "feedback-thanks", role: "status" });
  const buttons = ["up", "down"].map((value) =>
    el("button", {
      type: "button",
      class: `vote vote-${value}`,
      "data-vote": value,
      "aria-pressed": String(store.vote(message.id) === value),
      text: t(lang, value === "up" ? "helpfulYes" : "helpfulNo"),
      onclick: () =>
        send(value, (ack) => {
          if (!ack || !ack.ok) return;
          store.setVote(message.id, value);
          for (const b of buttons) b.setAttribute("aria-pressed", String(b.dataset.vote === value));
          thanks.textContent = t(lang, "feedbackThanks");
        }),
    }),
  );
  group.append(question, ...buttons, thanks);
  return group;
}
