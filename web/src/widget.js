// The city's chat widget. Embed with one tag:
//   <script type="module" src="https://<server>/widget/widget.js" data-citizenbot></script>
// Everything lives in a shadow root (styles cannot leak in or out); all files come from the
// project's own server. Texts from the server are inserted as text, never as HTML.
import { io } from "./vendor/socket.io.esm.min.js";
import {
  LANGS,
  LANGUAGE_NAMES,
  WidgetStore,
  direction,
  isEmergency,
  normaliseMessage,
  personPayload,
  phoneLinks,
  pickLanguage,
  setsDomain,
  speaker,
  t,
  transcriptText,
  wantsFeedback,
} from "./core.js";
import { greetingElement, useChoice } from "./choices.js";
import { el } from "./dom.js";
import { feedbackGroup } from "./feedback.js";
import { PhoneModal } from "./modal.js";
import { richText } from "./richtext.js";

const BASE = new URL(".", import.meta.url);
const SERVER = new URL("/", BASE).href;

class CitizenWidget {
  constructor(host) {
    this.store = new WidgetStore(window.localStorage);
    this.lang = pickLanguage(this.store.lang, document.documentElement.lang);
    this.session = this.store.session;
    // Messages typed before the conversation's history is in (a new conversation not confirmed
    // yet, a slow or lost connection): the history replaces the log, so they are sent after it.
    this.pending = [];
    this.ready = false;
    this.messages = []; // what the log shows, for "Save the conversation"
    this.lastTopic = null;
    this.config = {};
    this.root = host.attachShadow({ mode: "open" });
    this.build();
    this.applyTexts();
    this.connect();
    fetch(new URL("config.json", BASE))
      .then((r) => (r.ok ? r.json() : {}))
      .then((config) => {
        this.config = config || {};
        this.applyTexts();
      })
      .catch(() => {});
    if (this.store.open) this.open({ focus: false });
  }

  // --- structure ---------------------------------------------------------------------------

  build() {
    this.root.append(
      el("link", { rel: "stylesheet", href: new URL("vendor/hds-core.min.css", BASE).href }),
      el("link", { rel: "stylesheet", href: new URL("widget.css", BASE).href }),
    );
    this.launcher = el("button", {
      class: "launcher",
      type: "button",
      "aria-expanded": "false",
      "aria-controls": "cb-panel",
      onclick: () => this.open({ focus: true }),
    });
    this.launcherText = el("span");
    this.launcher.append(
      el("span", { class: "launcher-icon", "aria-hidden": "true", text: "?" }),
      this.launcherText,
    );

    this.title = el("h2", { id: "cb-title" });
    this.subtitle = el("p", { class: "subtitle" });
    this.langGroup = el("div", { class: "langs", role: "group" });
    this.langButtons = LANGS.map((lang) =>
      el("button", {
        type: "button",
        lang,
        "data-lang": lang,
        text: LANGUAGE_NAMES[lang],
        onclick: () => this.switchLanguage(lang),
      }),
    );
    this.langGroup.append(...this.langButtons);
    this.menuButton = el("button", {
      type: "button",
      class: "menu-toggle",
      "aria-expanded": "false",
      "aria-controls": "cb-menu",
      onclick: () => this.toggleMenu(),
    });
    this.personButton = el("button", { type: "button", onclick: () => this.talkToPerson() });
    this.privacyButton = el("button", { type: "button", onclick: () => this.showPrivacy(true) });
    this.newButton = el("button", { type: "button", onclick: () => this.newConversation() });
    this.saveButton = el("button", { type: "button", onclick: () => this.saveTranscript() });
    this.menu = el("div", { id: "cb-menu", class: "menu", hidden: true },
      this.personButton, this.saveButton, this.privacyButton, this.newButton);
    this.closeButton = el("button", { type: "button", class: "close", onclick: () => this.close() });
    this.closeButton.append(el("span", { "aria-hidden": "true", text: "×" }));
    this.closeLabel = el("span", { class: "visually-hidden" });
    this.closeButton.append(this.closeLabel);

    this.privacyTitle = el("h3", { id: "cb-privacy-title" });
    this.privacyText = el("p");
    this.privacyLink = el("a", { target: "_blank", rel: "noopener noreferrer" });
    this.privacyAccept = el("button", { type: "button", class: "hds-button hds-button--primary", onclick: () => this.acceptPrivacy() });
    this.privacy = el(
      "section",
      { class: "privacy", "aria-labelledby": "cb-privacy-title", hidden: true },
      this.privacyTitle,
      this.privacyText,
      el("p", {}, this.privacyLink),
      this.privacyAccept,
    );

    this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    this.typing = el("p", { class: "typing", hidden: true, "aria-live": "polite" });
    this.bannerText = el("span");
    this.leaveButton = el("button", { type: "button", class: "leave", onclick: () => this.leaveQueue() });
    this.banner = el("div", { class: "banner", role: "status", hidden: true }, this.bannerText, this.leaveButton);
    this.handoff = { state: "none" };
    this.status = el("p", { class: "status", role: "status" });

    this.inputLabel = el("label", { for: "cb-input", class: "visually-hidden" });
    // dir="auto": a question typed in Arabic or Persian runs right to left whatever the page
    this.input = el("textarea", { id: "cb-input", rows: "2", maxlength: "4000", autocomplete: "off", dir: "auto" });
    this.input.addEventListener("input", () => this.residentTyping());
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.sendButton = el("button", { type: "submit", class: "send" });
    this.form = el("form", { class: "composer", onsubmit: (e) => this.submit(e) }, this.inputLabel, this.input, this.sendButton);

    // a div, not <header>: the city's page has the one banner landmark
    const header = el(
      "div",
      { class: "head" },
      el("div", { class: "heading" }, this.title, this.subtitle),
      this.closeButton,
      el("div", { class: "tools" }, this.langGroup, this.menuButton),
    );
    this.panel = el(
      "section",
      { id: "cb-panel", class: "panel", role: "dialog", "aria-labelledby": "cb-title", hidden: true },
      header,
      this.menu,
      this.privacy,
      this.banner,
      this.log,
      this.typing,
      this.status,
      this.form,
    );
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        if (!this.menu.hidden) {
          this.toggleMenu(false);
          this.menuButton.focus(); // focus stays in the panel; the next Esc closes it
        } else this.close();
      }
    });
    this.modal = new PhoneModal(this.panel, this.root);
    this.root.append(this.launcher, this.panel);
  }

  applyTexts() {
    const lang = this.lang;
    const days = this.config[lang]?.retention_days ?? "30";
    this.launcherText.textContent = t(lang, "launcher");
    this.title.textContent = t(lang, "title");
    this.subtitle.textContent = t(lang, "subtitle");
    this.langGroup.setAttribute("aria-label", `${t(lang, "languageGroup")} / Språk / Language`);
    for (const button of this.langButtons) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    this.menuButton.textContent = t(lang, "menu");
    this.personButton.textContent = t(lang, "talkToPerson");
    this.privacyButton.textContent = t(lang, "privacyMenu");
    this.newButton.textContent = t(lang, "newConversation");
    this.saveButton.textContent = t(lang, "saveConversation");
    this.closeLabel.textContent = t(lang, "close");
    this.closeButton.setAttribute("title", t(lang, "close"));
    this.privacyTitle.textContent = t(lang, "privacyTitle");
    this.privacyText.textContent = t(lang, "privacyText", { days });
    this.privacyLink.textContent = t(lang, "privacyLink");
    this.privacyLink.href = this.config[lang]?.privacy_url || SERVER;
    this.privacyAccept.textContent = t(lang, "privacyAccept");
    this.log.setAttribute("aria-label", t(lang, "log"));
    this.inputLabel.textContent = t(lang, "inputLabel");
    this.input.placeholder = t(lang, "placeholder");
    this.sendButton.textContent = t(lang, "send");
    this.typing.textContent = t(lang, "typing");
    this.leaveButton.textContent = t(lang, "leaveQueue");
    this.renderBanner();
    this.panel.setAttribute("lang", lang);
    this.launcher.setAttribute("lang", lang);
    this.panel.setAttribute("dir", direction(lang));
    this.launcher.setAttribute("dir", direction(lang));
    this.showPrivacy(!this.store.privacyAccepted);
    if (this.greeting) this.showGreeting();
  }

  // --- opening and closing -----------------------------------------------------------------

  open({ focus }) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.store.open = true;
    this.scrollToEnd();
    if (focus) (this.store.privacyAccepted ? this.input : this.privacyAccept).focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.toggleMenu(false);
    this.store.open = false;
    this.launcher.focus();
  }

  toggleMenu(show) {
    const open = show === undefined ? this.menu.hidden : show;
    this.menu.hidden = !open;
    this.menuButton.setAttribute("aria-expanded", String(open));
    if (open) this.personButton.focus();
  }

  showPrivacy(show) {
    this.privacy.hidden = !show;
    this.input.disabled = show;
    this.sendButton.disabled = show;
    if (show) this.toggleMenu(false);
  }

  acceptPrivacy() {
    this.store.privacyAccepted = true;
    this.showPrivacy(false);
    this.showGreeting();
    this.input.focus();
  }

  /** A greeting with example questions in an empty conversation, once the privacy notice is
   * accepted. Drawn by the widget (not sent, not stored); redrawn in a new language. */
  showGreeting() {
    this.greeting?.remove();
    this.greeting = null;
    if (!this.store.privacyAccepted || this.log.querySelector(".msg")) return;
    this.greeting = greetingElement(this.lang, (question) => {
      this.send(question);
      this.input.focus();
    });
    this.log.prepend(this.greeting);
  }


  // --- connection --------------------------------------------------------------------------

  connect() {
    this.setStatus("connecting");
    this.socket = io(SERVER, { path: "/socket.io/", transports: ["websocket", "polling"] });
    this.socket.on("connect", () => {
      this.setStatus(null);
      this.socket.emit("session_request", this.session || {});
    });
    this.socket.on("disconnect", () => {
      this.ready = false;
      this.setStatus("disconnected");
    });
    this.socket.on("session_confirm", (session) => {
      this.session = session;
      this.store.session = session;
    });
    this.socket.on("history", ({ messages }) => {
      this.log.replaceChildren();
      this.messages = [];
      const shown = (messages || []).map(normaliseMessage);
      shown.forEach((message, index) => {
        // quick replies that were answered after them are used
        const used = shown.slice(index + 1).some((later) => later.from === "resident");
        this.render(message, { announce: false, used });
      });
      this.showGreeting();
      this.ready = true;
      for (const [text, display] of this.pending.splice(0)) this.send(text, display);
      this.scrollToEnd();
    });
    this.socket.on("bot_uttered", (message) => {
      this.setTyping(false);
      this.render(normaliseMessage(message));
    });
    this.socket.on("resident_message", ({ text }) => this.render(normaliseMessage({ from: "resident", text })));
    this.socket.on("typing", ({ on, who }) => this.setTyping(on, who));
    this.socket.on("handoff_status", (status) => {
      this.handoff = status || { state: "none" };
      this.renderBanner();
    });
    this.socket.on("error_notice", ({ code }) => {
      this.setTyping(false);
      if (code === "session") {
        this.session = null;
        this.store.session = null;
        this.socket.emit("session_request", {});
      } else {
        this.setStatus(code === "rate_limited" ? "rateLimited" : "unavailable");
      }
    });
  }

  setStatus(key) {
    this.status.textContent = key ? t(this.lang, key) : "";
  }

  setTyping(on, who) {
    this.typing.textContent =
      who === "staff" && this.handoff.staff
        ? t(this.lang, "staffTyping", { role: this.roleName(this.handoff.staff.role) })
        : t(this.lang, "typing");
    this.typing.hidden = !on;
  }

  roleName(role) {
    return t(this.lang, role === "nurse" ? "roleNurse" : "roleAgent");
  }

  renderBanner() {
    const h = this.handoff || {};
    // the header says who answers: the assistant, or the person who has the conversation
    this.subtitle.textContent =
      h.state === "active" && h.staff
        ? t(this.lang, "staffPrefix", { role: this.roleName(h.staff.role), name: h.staff.first_name || "" }).trim()
        : t(this.lang, "subtitle");
    if (h.state === "queued") {
      this.bannerText.textContent = t(this.lang, "queueBanner", { position: h.position, wait: h.wait_minutes });
      this.leaveButton.hidden = false;
      this.banner.hidden = false;
    } else if (h.state === "active" && h.staff) {
      this.bannerText.textContent = t(this.lang, "withStaff", { role: this.roleName(h.staff.role), name: h.staff.first_name || "" });
      this.leaveButton.hidden = true;
      this.banner.hidden = false;
    } else {
      this.banner.hidden = true;
    }
  }

  leaveQueue() {
    if (this.session) this.socket.emit("handoff_cancel", { ...this.session });
  }

  // --- messages ----------------------------------------------------------------------------

  send(text, display) {
    if (!this.session || !this.ready) {
      this.pending.push([text, display]);
      this.render(normaliseMessage({ from: "resident", text: display || text }));
      return;
    }
    const metadata = { lang: this.lang, page: window.location.pathname };
    if (display) metadata.display = display;
    this.socket.emit("user_uttered", { ...this.session, message: text, metadata });
    this.render(normaliseMessage({ from: "resident", text: display || text }));
    this.setStatus(null);
  }

  residentTyping() {
    // only while a person has the conversation, and at most every two seconds
    if (this.handoff.state !== "active" || !this.session) return;
    const now = Date.now();
    if (this.lastTyping && now - this.lastTyping < 2000) return;
    this.lastTyping = now;
    this.socket.emit("resident_typing", { ...this.session, on: true });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.lastTyping = 0;
      this.socket.emit("resident_typing", { ...this.session, on: false });
    }, 4000);
  }

  submit(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text || !this.store.privacyAccepted) return;
    this.input.value = "";
    this.send(text);
  }

  talkToPerson() {
    this.toggleMenu(false);
    if (!this.store.privacyAccepted) this.acceptPrivacy();
    this.send(personPayload(this.lastTopic), t(this.lang, "talkToPerson"));
    this.input.focus();
  }

  newConversation() {
    this.toggleMenu(false);
    this.store.clearConversation();
    this.session = null;
    this.ready = false;
    this.log.replaceChildren();
    this.messages = [];
    this.greeting = null;
    this.socket.emit("session_request", {});
    this.input.focus();
  }

  /** "Save the conversation": the log as a text file the resident keeps (made in the browser). */
  saveTranscript() {
    this.toggleMenu(false);
    const blob = new Blob([transcriptText(this.messages, this.lang)], { type: "text/plain;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const day = new Date().toISOString().slice(0, 10);
    const link = el("a", { href: url, download: `${t(this.lang, "transcriptTitle")} ${day}.txt`, hidden: true });
    this.root.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    this.menuButton.focus();
  }

  switchLanguage(lang) {
    if (!LANGS.includes(lang) || lang === this.lang) return;
    this.lang = lang;
    this.store.lang = lang;
    this.applyTexts();
    if (this.session) this.socket.emit("set_language", { ...this.session, lang });
    this.status.textContent = t(lang, "languageChanged");
  }

  render(message, { announce = true, used = false } = {}) {
    if (!message.text && !message.buttons.length) return;
    if (setsDomain(message)) this.lastTopic = message.topic;
    if (message.from === "resident") this.greeting?.querySelectorAll(".choice").forEach((b) => (b.disabled = true));
    this.messages.push(message);
    const who = speaker(message, this.lang);
    const emergency = isEmergency(message);
    const item = el("div", {
      class: `msg ${message.from}${emergency ? " emergency" : ""}`,
      lang: message.lang || null,
      "data-topic": message.topic,
      // the 112 answer is announced at once, before anything else (not again from the history)
      role: emergency && announce ? "alert" : null,
    });
    const lang = LANGS.includes(message.lang) ? message.lang : this.lang; // the widget's own texts
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
        choices.append(
          el("button", {
            type: "button",
            class: "choice",
            text: button.title,
            disabled: used,
            onclick: (event) => {
              useChoice(event.currentTarget);
              this.send(button.payload, button.title);
              this.input.focus();
            },
          }),
        );
      }
      item.append(choices);
    }
    if (wantsFeedback(message)) {
      item.append(feedbackGroup(message, this.lang, this.store, (value, done) =>
        this.socket.emit("feedback", { ...this.session, message_id: message.id, value }, done)));
    }
    if (!announce) item.setAttribute("aria-hidden", "false");
    this.log.append(item);
    this.scrollToEnd();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

function start() {
  if (document.getElementById("citizenbot-widget")) return;
  const host = document.createElement("div");
  host.id = "citizenbot-widget";
  document.body.append(host);
  window.citizenbot = new CitizenWidget(host);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
