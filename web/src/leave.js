// "Leave a message" outside service hours: the message and an optional contact for the queue's
// next opening (the gateway makes them a queue item and answers with the opening time).
import { ask } from "./asks.js";
import { t } from "./core.js";
import { el } from "./dom.js";

/** send({text, contact}, done(answer)); done(answer or null) after sending or cancelling. */
export function askLeaveMessage(place, lang, { send, done }) {
  const text = el("textarea", { id: "cb-leave-text", rows: "3", maxlength: "2000", dir: "auto", required: true });
  const contact = el("input", { id: "cb-leave-contact", type: "text", maxlength: "200", autocomplete: "email", dir: "auto",
    "aria-describedby": "cb-leave-hint" });
  const error = el("p", { class: "ask-error", role: "alert" });
  let sending = false;
  const submit = (event) => {
    event.preventDefault();
    if (sending) return;
    if (!text.value.trim()) {
      error.textContent = t(lang, "leaveEmpty");
      text.focus();
      return;
    }
    sending = true;
    send({ text: text.value.trim(), contact: contact.value.trim() || null }, (answer) => {
      sending = false;
      if (!answer?.ok && answer?.error !== "open") {
        error.textContent = t(lang, "leaveFailed");
        return;
      }
      place.replaceChildren();
      done(answer);
    });
  };
  const form = el("form", { class: "leave-form", onsubmit: submit },
    el("p", { text: t(lang, "leaveIntro") }),
    el("label", { for: "cb-leave-text", text: t(lang, "leaveText") }), text,
    el("label", { for: "cb-leave-contact", text: t(lang, "leaveContact") }), contact,
    el("p", { id: "cb-leave-hint", class: "hint", text: t(lang, "leaveContactHint") }), error);
  const section = ask(place, {
    title: t(lang, "leaveMessage"),
    className: "ask-leave",
    content: [form],
    actions: [
      { label: t(lang, "leaveSend"), primary: true, onclick: submit },
      { label: t(lang, "cancel"), onclick: () => { place.replaceChildren(); done(null); } },
    ],
  });
  text.focus();
  return section;
}
