// The widget's structure: launcher, panel (header, menu, privacy notice, queue banner, log,
// composer) and the texts on them. Built once; applyTexts redraws every text in a new language.
import { LANGS, LANGUAGE_NAMES, direction, t } from "./core.js";
import { el } from "./dom.js";

/** on: {open, close, switchLanguage(lang), toggleMenu, talkToPerson, save, remove, privacy,
 * newConversation, acceptPrivacy, leaveQueue, submit(event), typing} */
export function buildPanel(on) {
  const ui = {};
  ui.launcher = el("button", {
    class: "launcher",
    type: "button",
    "aria-expanded": "false",
    "aria-controls": "cb-panel",
    onclick: () => on.open(),
  });
  ui.launcherText = el("span");
  ui.launcher.append(el("span", { class: "launcher-icon", "aria-hidden": "true", text: "?" }), ui.launcherText);

  ui.title = el("h2", { id: "cb-title" });
  ui.subtitle = el("p", { class: "subtitle" });
  ui.langGroup = el("div", { class: "langs", role: "group" });
  ui.langButtons = LANGS.map((lang) =>
    el("button", { type: "button", lang, "data-lang": lang, text: LANGUAGE_NAMES[lang], onclick: () => on.switchLanguage(lang) }),
  );
  ui.langGroup.append(...ui.langButtons);
  ui.menuButton = el("button", {
    type: "button",
    class: "menu-toggle",
    "aria-expanded": "false",
    "aria-controls": "cb-menu",
    onclick: () => on.toggleMenu(),
  });
  ui.personButton = el("button", { type: "button", onclick: () => on.talkToPerson() });
  ui.saveButton = el("button", { type: "button", onclick: () => on.save() });
  ui.deleteButton = el("button", { type: "button", onclick: () => on.remove() });
  ui.privacyButton = el("button", { type: "button", onclick: () => on.privacy() });
  ui.newButton = el("button", { type: "button", onclick: () => on.newConversation() });
  ui.menu = el("div", { id: "cb-menu", class: "menu", hidden: true },
    ui.personButton, ui.saveButton, ui.deleteButton, ui.privacyButton, ui.newButton);
  ui.closeButton = el("button", { type: "button", class: "close", onclick: () => on.close() });
  ui.closeButton.append(el("span", { "aria-hidden": "true", text: "×" }));
  ui.closeLabel = el("span", { class: "visually-hidden" });
  ui.closeButton.append(ui.closeLabel);

  ui.privacyTitle = el("h3", { id: "cb-privacy-title" });
  ui.privacyText = el("p");
  ui.privacyLink = el("a", { target: "_blank", rel: "noopener noreferrer" });
  ui.privacyAccept = el("button", { type: "button", class: "hds-button hds-button--primary", onclick: () => on.acceptPrivacy() });
  ui.privacy = el(
    "section",
    { class: "privacy", "aria-labelledby": "cb-privacy-title", hidden: true },
    ui.privacyTitle,
    ui.privacyText,
    el("p", {}, ui.privacyLink),
    ui.privacyAccept,
  );

  ui.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
  ui.typing = el("p", { class: "typing", hidden: true, "aria-live": "polite" });
  ui.bannerText = el("span");
  ui.leaveButton = el("button", { type: "button", class: "leave", onclick: () => on.leaveQueue() });
  ui.banner = el("div", { class: "banner", role: "status", hidden: true }, ui.bannerText, ui.leaveButton);
  ui.status = el("p", { class: "status", role: "status" });
  // the place of a question the widget asks in the panel (delete? rate the chat? leave a message?)
  ui.dialogs = el("div", { class: "dialogs" });

  ui.inputLabel = el("label", { for: "cb-input", class: "visually-hidden" });
  // dir="auto": a question typed in Arabic or Persian runs right to left whatever the page
  ui.input = el("textarea", { id: "cb-input", rows: "2", maxlength: "4000", autocomplete: "off", dir: "auto" });
  ui.input.addEventListener("input", () => on.typing());
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      ui.form.requestSubmit();
    }
  });
  ui.sendButton = el("button", { type: "submit", class: "send" });
  ui.form = el("form", { class: "composer", onsubmit: (e) => on.submit(e) }, ui.inputLabel, ui.input, ui.sendButton);

  // a div, not <header>: the city's page has the one banner landmark
  const header = el(
    "div",
    { class: "head" },
    el("div", { class: "heading" }, ui.title, ui.subtitle),
    ui.closeButton,
    el("div", { class: "tools" }, ui.langGroup, ui.menuButton),
  );
  ui.panel = el(
    "section",
    { id: "cb-panel", class: "panel", role: "dialog", "aria-labelledby": "cb-title", hidden: true },
    header,
    ui.menu,
    ui.privacy,
    ui.banner,
    ui.log,
    ui.typing,
    ui.status,
    ui.dialogs,
    ui.form,
  );
  return ui;
}

/** Every text of the structure in lang; config: the city's settings per language (config.json);
 * server: the widget's server (the privacy link's default). */
export function applyTexts(ui, lang, config, server) {
  const days = config[lang]?.retention_days ?? "30";
  const text = (node, key, params) => (node.textContent = t(lang, key, params));
  text(ui.launcherText, "launcher");
  text(ui.title, "title");
  ui.langGroup.setAttribute("aria-label", `${t(lang, "languageGroup")} / Språk / Language`);
  for (const button of ui.langButtons) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  text(ui.menuButton, "menu");
  text(ui.personButton, "talkToPerson");
  text(ui.privacyButton, "privacyMenu");
  text(ui.newButton, "newConversation");
  text(ui.saveButton, "saveConversation");
  text(ui.deleteButton, "deleteConversation");
  text(ui.closeLabel, "close");
  ui.closeButton.setAttribute("title", t(lang, "close"));
  text(ui.privacyTitle, "privacyTitle");
  text(ui.privacyText, "privacyText", { days });
  text(ui.privacyLink, "privacyLink");
  ui.privacyLink.href = config[lang]?.privacy_url || server;
  text(ui.privacyAccept, "privacyAccept");
  ui.log.setAttribute("aria-label", t(lang, "log"));
  text(ui.inputLabel, "inputLabel");
  ui.input.placeholder = t(lang, "placeholder");
  text(ui.sendButton, "send");
  text(ui.typing, "typing");
  text(ui.leaveButton, "leaveQueue");
  for (const node of [ui.panel, ui.launcher]) {
    node.setAttribute("lang", lang);
    node.setAttribute("dir", direction(lang));
  }
}

/** Save a text as a file the resident keeps (made in the browser, nothing sent). */
export function download(root, text, filename) {
  const blob = new Blob([text], { type: "text/plain;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename, hidden: true });
  root.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
