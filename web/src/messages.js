// One message of the log as DOM: who said it, the text (links, numbers to call in health
// answers), quick replies, "Was this helpful?", and the 112 answer as an alert.
import { LANGS, closedQueue, isEmergency, phoneLinks, speaker, t, wantsFeedback } from "./core.js";
import { useChoice } from "./choices.js";
import { el } from "./dom.js";
import { feedbackGroup } from "./feedback.js";
import { richText } from "./richtext.js";

/** opts: {lang (the widget's), announce, used (quick replies already answered), store,
 * onChoice(button), sendVote(value, done), onLeaveMessage(queue)} */
export function messageElement(message, { lang: widgetLang, announce, used, store, onChoice, sendVote, onLeaveMessage }) {
  const who = speaker(message, widgetLang);
  const emergency = isEmergency(message);
  const item = el("div", {
    class: `msg ${message.from}${emergency ? " emergency" : ""}`,
    lang: message.lang || null,
    "data-topic": message.topic,
    // the 112 answer is announced at once, before anything else (not again from the history)
    role: emergency && announce ? "alert" : null,
  });
  const lang = LANGS.includes(message.lang) ? message.lang : widgetLang; // the widget's own texts
  if (emergency) {
    item.append(el("strong", { class: "emergency-label", text: t(lang, "emergencyLabel") }));
    item.append(el("span", { class: "visually-hidden", text: ": " }));
  } else {
    item.append(el("span", { class: message.from === "staff" ? "who" : "who visually-hidden", text: `${who}: ` }));
  }
  item.append(richText(message.text, { lang, phones: emergency || phoneLinks(message) }));
  if (message.buttons.length) {
    const choices = el("div", { class: "choices" });
    for (const button of message.buttons) {
      const onclick = (event) => {
        useChoice(event.currentTarget);
        onChoice(button);
      };
      choices.append(el("button", { type: "button", class: "choice", text: button.title, disabled: used, onclick }));
    }
    item.append(choices);
  }
  const closed = closedQueue(message);
  if (closed && onLeaveMessage) {
    // nobody is on duty: the resident can leave a message for the next opening
    const leave = el("button", { type: "button", class: "choice leave-message", text: t(widgetLang, "leaveMessage"),
      onclick: () => onLeaveMessage(closed) });
    item.append(el("div", { class: "choices" }, leave));
  }
  if (wantsFeedback(message)) item.append(feedbackGroup(message, widgetLang, store, sendVote));
  return item;
}

/** A resident's message on its way (outbox.js): "Not answered yet." or "The message did not get
 * through." with "Send again" (onRetry) while late or failed; nothing once done. */
export function showDelivery(node, state, lang, onRetry) {
  if (!node) return;
  node.querySelector(".retry")?.remove();
  if (state === "done") node.removeAttribute("data-client-id");
  if (state !== "late" && state !== "failed") return;
  const again = el("button", { type: "button", class: "retry-button", text: t(lang, "sendAgain"), onclick: onRetry });
  const notice = el("span", { text: t(lang, state === "failed" ? "notSent" : "notAnswered") });
  node.append(el("p", { class: "retry", "data-state": state }, notice, " ", again));
}
