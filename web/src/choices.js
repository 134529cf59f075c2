// Buttons the resident answers with: the greeting's example questions and the quick replies under
// a message. A group answers once: after a press its buttons are disabled, the pressed one marked.
import { examples, t } from "./core.js";
import { el } from "./dom.js";
import { richText } from "./richtext.js";

export function useChoice(button) {
  const group = button.closest(".choices, .examples");
  for (const other of group ? group.querySelectorAll(".choice") : [button]) other.disabled = true;
  button.classList.add("chosen");
}

/** The greeting shown in an empty conversation: who answers, about what, 112, example questions.
 * onAsk(question) sends one. Drawn by the widget, never sent or stored. */
export function greetingElement(lang, onAsk) {
  const id = "cb-examples";
  const list = el("ul", { class: "examples", "aria-labelledby": id });
  for (const question of examples(lang)) {
    const onclick = (event) => {
      useChoice(event.currentTarget);
      onAsk(question);
    };
    list.append(el("li", {}, el("button", { type: "button", class: "choice", text: question, onclick })));
  }
  return el(
    "div",
    { class: "msg bot greeting", lang },
    el("span", { class: "who visually-hidden", text: `${t(lang, "assistant")}: ` }),
    richText(t(lang, "greeting"), { lang, phones: true }),
    el("p", { id, class: "examples-label", text: t(lang, "examplesLabel") }),
    list,
  );
}
