// "How was the chat?" when a chat with a person has ended: a 1-5 radio group and an optional
// comment, sent with the chat's id (the gateway checks it is this conversation's ended chat).
// Skippable; asked once per chat.
import { ask } from "./asks.js";
import { t } from "./core.js";
import { el } from "./dom.js";

/** A chat with a person just ended: the status before was active, now returned or closed. */
export function chatEnded(before, after) {
  return before?.state === "active" && ["returned", "closed"].includes(after?.state) && Number.isInteger(after.id);
}

/** send({score, comment}, done(answer)); done() is called after the rating is sent or skipped. */
export function askRating(place, lang, { send, done }) {
  const fieldset = el("fieldset", { class: "scores" }, el("legend", { text: t(lang, "rateLegend") }));
  for (let score = 1; score <= 5; score += 1) {
    const id = `cb-score-${score}`;
    fieldset.append(el("div", { class: "score" },
      el("input", { type: "radio", name: "cb-score", id, value: String(score) }),
      el("label", { for: id, text: t(lang, `rate${score}`) })));
  }
  const comment = el("textarea", { id: "cb-rate-comment", rows: "2", maxlength: "1000", dir: "auto" });
  const error = el("p", { class: "ask-error", role: "alert" });
  const form = el("form", { class: "rating-form" }, fieldset,
    el("label", { for: "cb-rate-comment", text: t(lang, "rateComment") }), comment, error);
  const finish = (message) => {
    place.replaceChildren();
    done(message);
  };
  const submit = (event) => {
    event.preventDefault();
    const chosen = fieldset.querySelector("input:checked");
    if (!chosen) {
      error.textContent = t(lang, "ratePick");
      fieldset.querySelector("input").focus();
      return;
    }
    send({ score: Number(chosen.value), comment: comment.value.trim() || null }, (answer) =>
      finish(answer?.ok ? "rateThanks" : null));
  };
  form.addEventListener("submit", submit);
  const section = ask(place, {
    title: t(lang, "rateTitle"),
    className: "ask-rating",
    content: [form],
    actions: [
      { label: t(lang, "rateSend"), primary: true, onclick: (event) => submit(event) },
      { label: t(lang, "rateSkip"), onclick: () => finish(null) },
    ],
  });
  fieldset.querySelector("input").focus();
  return section;
}
