// The city's chat widget. Embed with one tag:
//   <script type="module" src="https://<server>/widget/widget.js" data-citizenbot></script>
// Everything lives in a shadow root (styles cannot leak in or out); all files come from the
// project's own server. Texts from the server are inserted as text, never as HTML.
// This module is the conversation: connection, sending, the log. Structure and texts: panel.js;
// one message: messages.js; messages on their way: outbox.js; questions in the panel: asks.js.
import { io } from "./vendor/socket.io.esm.min.js";
import { deleteConversation, leaveMessage, rateChat, saveTranscript } from "./actions.js";
import { LANGS, WidgetStore, normaliseMessage, personPayload, pickLanguage, setsDomain, t } from "./core.js";
import { greetingElement } from "./choices.js";
import { el } from "./dom.js";
import { messageElement, showDelivery } from "./messages.js";
import { PhoneModal } from "./modal.js";
import { Outbox } from "./outbox.js";
import { applyTexts, buildPanel } from "./panel.js";
import { PhotoControl } from "./photo.js";
import { chatEnded } from "./rating.js";
import { renderBanner } from "./status.js";

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
    this.handoff = { state: "none" };
    this.outbox = new Outbox({
      emit: (entry, ack) => this.emitMessage(entry, ack),
      onChange: (id, state) => this.messageState(id, state),
    });
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
    this.ui = buildPanel({
      open: () => this.open({ focus: true }),
      close: () => this.close(),
      switchLanguage: (lang) => this.switchLanguage(lang),
      toggleMenu: () => this.toggleMenu(),
      talkToPerson: () => this.talkToPerson(),
      save: () => saveTranscript(this),
      remove: () => deleteConversation(this),
      privacy: () => this.showPrivacy(true),
      newConversation: () => this.newConversation(),
      acceptPrivacy: () => this.acceptPrivacy(),
      leaveQueue: () => this.leaveQueue(),
      submit: (event) => this.submit(event),
      typing: () => this.residentTyping(),
    });
    const ui = this.ui;
    ui.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        if (!ui.menu.hidden) {
          this.toggleMenu(false);
          ui.menuButton.focus(); // focus stays in the panel; the next Esc closes it
        } else this.close();
      }
    });
    this.photo = new PhotoControl(this, BASE); // "Add a photo" while a fault report is being made
    this.modal = new PhoneModal(ui.panel, this.root);
    this.root.append(ui.launcher, ui.panel);
  }

  applyTexts() {
    applyTexts(this.ui, this.lang, this.config, SERVER);
    this.photo.applyTexts(this.lang);
    this.renderBanner();
    this.showPrivacy(!this.store.privacyAccepted);
    if (this.greeting) this.showGreeting();
    for (const node of this.ui.log.querySelectorAll(".retry")) this.messageState(node.closest(".msg").dataset.clientId, node.dataset.state);
  }

  // --- opening and closing -----------------------------------------------------------------

  open({ focus }) {
    this.ui.panel.hidden = false;
    this.ui.launcher.hidden = true;
    this.ui.launcher.setAttribute("aria-expanded", "true");
    this.store.open = true;
    this.scrollToEnd();
    if (focus) (this.store.privacyAccepted ? this.ui.input : this.ui.privacyAccept).focus();
  }

  close() {
    this.ui.panel.hidden = true;
    this.ui.launcher.hidden = false;
    this.ui.launcher.setAttribute("aria-expanded", "false");
    this.toggleMenu(false);
    this.store.open = false;
    this.ui.launcher.focus();
  }

  toggleMenu(show) {
    const open = show === undefined ? this.ui.menu.hidden : show;
    this.ui.menu.hidden = !open;
    this.ui.menuButton.setAttribute("aria-expanded", String(open));
    if (open) this.ui.personButton.focus();
  }

  showPrivacy(show) {
    this.ui.privacy.hidden = !show;
    this.ui.input.disabled = show;
    this.ui.sendButton.disabled = show;
    if (show) this.toggleMenu(false);
  }

  acceptPrivacy() {
    this.store.privacyAccepted = true;
    this.showPrivacy(false);
    this.showGreeting();
    this.ui.input.focus();
  }

  /** A greeting with example questions in an empty conversation, once the privacy notice is
   * accepted. Drawn by the widget (not sent, not stored); redrawn in a new language. */
  showGreeting() {
    this.greeting?.remove();
    this.greeting = null;
    if (!this.store.privacyAccepted || this.ui.log.querySelector(".msg")) return;
    this.greeting = greetingElement(this.lang, (question) => {
      this.send(question);
      this.ui.input.focus();
    });
    this.ui.log.prepend(this.greeting);
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
      this.outbox.disconnected(); // an answer to what was on its way will not come on this connection
      this.setStatus("disconnected");
    });
    this.socket.on("session_confirm", (session) => {
      this.session = session;
      this.store.session = session;
    });
    this.socket.on("history", ({ messages }) => this.showHistory(messages));
    this.socket.on("bot_uttered", (message) => {
      this.setTyping(false);
      this.render(normaliseMessage(message));
    });
    this.socket.on("resident_message", ({ text }) => this.render(normaliseMessage({ from: "resident", text })));
    this.socket.on("typing", ({ on, who }) => this.setTyping(on, who));
    this.socket.on("handoff_status", (status) => {
      const before = this.handoff;
      this.handoff = status || { state: "none" };
      this.renderBanner();
      if (chatEnded(before, this.handoff)) rateChat(this, this.handoff.id);
    });
    this.socket.on("conversation_deleted", ({ session_id: deleted }) => {
      if (this.session?.session_id === deleted) this.newConversation({ notice: "deleted" });
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

  showHistory(messages) {
    const late = [...this.ui.log.querySelectorAll(".msg.resident[data-client-id]")]; // still on their way
    this.ui.log.replaceChildren();
    this.messages = [];
    const shown = (messages || []).map(normaliseMessage);
    shown.forEach((message, index) => {
      // quick replies that were answered after them are used
      const used = shown.slice(index + 1).some((later) => later.from === "resident");
      this.render(message, { announce: false, used });
    });
    // a message on its way that the stored conversation has was received (its answer is in the
    // history too); one it does not have keeps its place and its "send again"
    const stored = new Set(shown.map((m) => m.clientId).filter(Boolean));
    for (const node of late) {
      const id = node.dataset.clientId;
      if (stored.has(id)) this.outbox.stored(id);
      else if (this.outbox.entries.has(id)) this.ui.log.append(node);
    }
    this.showGreeting();
    this.photo.restore();
    this.ready = true;
    for (const [text, display] of this.pending.splice(0)) this.send(text, display);
    this.scrollToEnd();
  }

  setStatus(key) {
    this.ui.status.textContent = key ? t(this.lang, key) : "";
  }

  setTyping(on, who) {
    this.ui.typing.textContent =
      who === "staff" && this.handoff.staff
        ? t(this.lang, "staffTyping", { role: t(this.lang, this.handoff.staff.role === "nurse" ? "roleNurse" : "roleAgent") })
        : t(this.lang, "typing");
    this.ui.typing.hidden = !on;
  }

  renderBanner() {
    renderBanner(this.ui, this.handoff, this.lang);
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
    const id = this.outbox.send(text, metadata);
    this.render(normaliseMessage({ from: "resident", text: display || text }), { clientId: id });
    this.setStatus(null);
  }

  emitMessage({ id, text, metadata, resend }, ack) {
    if (!this.session) return;
    this.socket.emit("user_uttered", { ...this.session, message: text, metadata, client_id: id, resend }, (answer) => {
      ack(answer);
      // received before (the first try got through): the stored conversation has it and its answer
      if (answer?.duplicate) this.socket.emit("session_request", this.session);
    });
  }

  /** A message on its way: "not answered yet – send again" when late or failed, nothing when done. */
  messageState(id, state) {
    const node = this.ui.log.querySelector(`.msg.resident[data-client-id="${CSS.escape(id)}"]`);
    showDelivery(node, state, this.lang, () => (this.ready ? this.outbox.retry(id) : this.setStatus("disconnected")));
    if (node && node === this.ui.log.lastElementChild) this.scrollToEnd();
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
    const text = this.ui.input.value.trim();
    if (!text || !this.store.privacyAccepted) return;
    this.ui.input.value = "";
    this.send(text);
  }

  talkToPerson() {
    this.toggleMenu(false);
    if (!this.store.privacyAccepted) this.acceptPrivacy();
    this.send(personPayload(this.lastTopic), t(this.lang, "talkToPerson"));
    this.ui.input.focus();
  }

  newConversation({ notice = null } = {}) {
    this.toggleMenu(false);
    this.store.clearConversation();
    this.outbox.clear();
    this.pending = [];
    this.session = null;
    this.ready = false;
    this.ui.log.replaceChildren();
    this.ui.dialogs.replaceChildren();
    this.messages = [];
    this.greeting = null;
    this.handoff = { state: "none" };
    this.renderBanner();
    this.socket.emit("session_request", {});
    this.setStatus(notice);
    this.ui.input.focus();
  }

  /** A notice from the widget itself in the log (not stored): e.g. "your message was left". */
  notice(text) {
    this.render(normaliseMessage({ from: "bot", text }), { announce: true });
  }

  switchLanguage(lang) {
    if (!LANGS.includes(lang) || lang === this.lang) return;
    this.lang = lang;
    this.store.lang = lang;
    this.applyTexts();
    if (this.session) this.socket.emit("set_language", { ...this.session, lang });
    this.ui.status.textContent = t(lang, "languageChanged");
  }

  render(message, { announce = true, used = false, clientId = null } = {}) {
    if (!message.text && !message.buttons.length) return;
    if (setsDomain(message)) this.lastTopic = message.topic;
    if (message.from !== "resident") this.photo.follow(message.topic);
    if (message.from === "resident") this.greeting?.querySelectorAll(".choice").forEach((b) => (b.disabled = true));
    this.messages.push(message);
    const item = messageElement(message, {
      lang: this.lang,
      announce,
      used,
      store: this.store,
      onChoice: (button) => {
        this.send(button.payload, button.title);
        this.ui.input.focus();
      },
      onLeaveMessage: (queue) => leaveMessage(this, queue),
      sendVote: (value, done) => this.socket.emit("feedback", { ...this.session, message_id: message.id, value }, done),
    });
    if (clientId) item.setAttribute("data-client-id", clientId);
    this.ui.log.append(item);
    this.scrollToEnd();
  }

  scrollToEnd() {
    this.ui.log.scrollTop = this.ui.log.scrollHeight;
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
