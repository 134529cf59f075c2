// Questions the widget asks inside its panel, above the composer: delete the conversation? how
// was the chat? Each is a labelled section with its own buttons; it takes focus when shown and
// gives it back when answered (the page's own confirm() is not used: it cannot be styled, read in
// the widget's language or kept inside a phone's full-screen dialog).
import { t } from "./core.js";
import { el } from "./dom.js";

let counter = 0;

/** A section titled `title` with `content` nodes and buttons [{label, primary, onclick}]. */
export function ask(place, { title, content = [], actions = [], className = "" }) {
  place.replaceChildren();
  const id = `cb-ask-${++counter}`;
  const section = el("section", { class: `ask ${className}`.trim(), "aria-labelledby": id },
    el("h3", { id, text: title }), ...content);
  const row = el("div", { class: "ask-actions" });
  for (const action of actions) {
    row.append(el("button", {
      type: action.submit ? "submit" : "button",
      class: `hds-button ${action.primary ? "hds-button--primary" : "hds-button--secondary"}`,
      text: action.label,
      onclick: action.onclick,
    }));
  }
  section.append(row);
  place.append(section);
  return section;
}

/** "Delete this conversation?": onYes() after the resident confirms; focus goes back to `back`. */
export function confirmDelete(place, lang, { onYes, back }) {
  const done = () => {
    place.replaceChildren();
    back?.focus();
  };
  const section = ask(place, {
    title: t(lang, "deleteTitle"),
    className: "ask-delete",
    content: [el("p", { text: t(lang, "deleteText") })],
    actions: [
      { label: t(lang, "deleteConfirm"), primary: true, onclick: () => { place.replaceChildren(); onYes(); } },
      { label: t(lang, "cancel"), onclick: done },
    ],
  });
  section.querySelectorAll("button")[1].focus(); // the safe choice first
  return section;
}
