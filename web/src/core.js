// Pure logic of the chat widget: language choice, message model, link detection, storage.
// No DOM here, so it is unit-tested with `node --test` (web/test/).

import { FALLBACK_LANG, LANGS, LANGUAGE_NAMES, STRINGS } from "./strings/index.js";

// The texts live in strings/<lang>.js, assembled by strings/index.js; re-exported here so the
// widget's modules import one place.
export { LANGS, LANGUAGE_NAMES, STRINGS };

// Written right to left. None is served yet; a language added in strings/ (Arabic, Persian)
// turns the widget around by itself (widget.css uses logical properties only).
export const RTL_LANGS = ["ar", "fa", "he", "ur"];

export function direction(lang) {
  return RTL_LANGS.includes(String(lang || "").split("-")[0]) ? "rtl" : "ltr";
}

export function t(lang, key, params = {}) {
  // an unknown language gets the widget's default (Finnish, as pickLanguage); a key missing in a
  // language already has the English text in STRINGS (strings/index.js)
  const table = STRINGS[lang] || STRINGS.fi;
  const template = table[key] ?? STRINGS[FALLBACK_LANG][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The widget's language: the resident's earlier choice, else the page's <html lang>, else Finnish. */
export function pickLanguage(stored, htmlLang) {
  if (LANGS.includes(stored)) return stored;
  const page = String(htmlLang || "").toLowerCase().split("-")[0];
  return LANGS.includes(page) ? page : "fi";
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]»”’]+$/;
// Numbers to call: 112, the 116 service numbers (116117, 116 117) and Finnish numbers written
// with an area or service prefix and groups ("0800 147 111", "09 2525 0111"). Only in answers
// about health (see phoneLinks), where the knowledge base writes them; not in the resident's text.
const PHONE_RE = /(?<![\d+])(?:112|116[ ]?1\d{2}|0\d{1,3}(?:[ -]\d{2,4}){1,3})(?![\d])/g;

/** A link's visible name: the site and path without "https://www." (the full address stays the href). */
export function linkName(url) {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^www\./, "");
    const path = (u.pathname + u.search).replace(/\/$/, "");
    const name = host + path;
    return name.length > 40 ? `${name.slice(0, 39)}…` : name;
  } catch {
    return url;
  }
}

function splitPhones(text, into) {
  let last = 0;
  for (const match of text.matchAll(PHONE_RE)) {
    if (match.index > last) into.push({ type: "text", value: text.slice(last, match.index) });
    into.push({ type: "tel", href: `tel:${match[0].replace(/\D/g, "")}`, value: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) into.push({ type: "text", value: text.slice(last) });
}

/** Split text into plain parts, http(s) links (named by linkName; trailing punctuation stays
 * text) and, with phones: true, numbers to call as tel: links. */
export function linkifyParts(text, { phones = false } = {}) {
  const parts = [];
  const source = String(text ?? "");
  const plain = (value) => (phones ? splitPhones(value, parts) : parts.push({ type: "text", value }));
  let last = 0;
  for (const match of source.matchAll(URL_RE)) {
    let url = match[0];
    const trailing = url.match(TRAILING);
    if (trailing) url = url.slice(0, -trailing[0].length);
    if (match.index > last) plain(source.slice(last, match.index));
    parts.push({ type: "link", href: url, value: linkName(url) });
    last = match.index + url.length;
  }
  if (last < source.length) plain(source.slice(last));
  return parts;
}

/** The 112 answer: told by the envelope's topic (the safety net's), never by the text. */
export function isEmergency(message) {
  const topic = message?.topic || "";
  return message?.from === "bot" && (topic === "health.emergency" || topic.startsWith("health.emergency."));
}

/** Numbers become tap-to-call links in the assistant's health answers and the nurse queue's
 * notices (112, 116117, the poison centre, crisis lines), not in street or report answers. */
export function phoneLinks(message) {
  const topic = message?.topic || "";
  return message?.from === "bot" && (topic.startsWith("health.") || topic.startsWith("handoff.nurse"));
}

/** The greeting's example questions, in the widget's language. */
export function examples(lang) {
  return t(lang, "examples").split("|").map((q) => q.trim()).filter(Boolean);
}

export function paragraphs(text) {
  return String(text ?? "")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** A message from the server in one shape, whatever its origin (live reply, history, staff). */
export function normaliseMessage(raw) {
  const message = raw && typeof raw === "object" ? raw : {};
  const custom = message.custom && typeof message.custom === "object" ? message.custom : {};
  const buttons = Array.isArray(message.buttons) ? message.buttons : [];
  return {
    from: ["resident", "staff", "bot"].includes(message.from) ? message.from : "bot",
    text: typeof message.text === "string" ? message.text : "",
    buttons: buttons
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload })),
    id: typeof custom.id === "string" ? custom.id : null,
    topic: typeof custom.topic === "string" ? custom.topic : null,
    // the text's language: a served one, or (a fixed reply such as the 112 answer to a message in
    // a language we do not serve) another language code, kept for the lang attribute
    lang: /^[a-z]{2,3}$/.test(custom.lang ?? "") ? custom.lang : null,
    staff: message.staff && typeof message.staff === "object" ? message.staff : null,
    // a resident's message: the id the widget gave it (outbox.js), when the stored one has it
    clientId: typeof message.client_id === "string" ? message.client_id : null,
  };
}

/** Feedback is asked on answers the assistant gave: not on the 112 answer, not when it did not
 * understand, not on handoff notices (a closed service included), not on its questions inside a
 * report form. */
export function wantsFeedback(message) {
  if (message.from !== "bot" || !message.id || !message.topic) return false;
  if (isEmergency(message) || message.topic.startsWith("fallback.")) return false;
  if (/^handoff\.\w+\.(queued|connected|returned|ended|transferred|cancelled|closed|language)$/.test(message.topic)) return false;
  if (message.topic === "handoff.already_queued") return false;
  return !/\.report\.(ask_|invalid_|confirm)/.test(message.topic);
}

/** "Talk to a person": the nurse for a health conversation (a health answer, or the nurse
 * queue's notices such as "the nurses chat at ..."), customer service otherwise. */
export function personPayload(lastTopic) {
  const topic = String(lastTopic || "");
  return topic.startsWith("health.") || topic.startsWith("handoff.nurse") ? "/handoff.nurse" : "/handoff.agent";
}

/** The queue whose "nobody is on duty now" answer this is (handoff.<queue>.closed), else null. */
export function closedQueue(message) {
  const match = /^handoff\.(\w+)\.closed$/.exec(message?.topic || "");
  return message?.from === "bot" && match ? match[1] : null;
}

/** When a queue opens, in the resident's language and the city's time zone ("ma 7.12. klo 8.00",
 * "mån 7/12 8:00", "Mon 7 Dec, 8:00": English with the month's name, as 12/7 reads two ways);
 * "" when unknown. */
// Languages whose numeric dates are day first, so "7.12" is read as the 7th of December.
const DAY_MONTH_LANGS = ["fi", "sv", "et", "ru", "uk"];

export function formatOpening(iso, timeZone, lang) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return "";
  // Gregorian calendar always (Persian would otherwise get the Solar Hijri date), and the month
  // by name where a numeric date could be read month first (English, Somali, Arabic, Persian).
  const locale = `${lang === "en" ? "en-GB" : lang}-u-ca-gregory`;
  const numericMonth = DAY_MONTH_LANGS.includes(lang);
  const options = { weekday: "short", day: "numeric", month: numericMonth ? "numeric" : "short", hour: "numeric", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(date); // an unknown zone: the resident's own
  }
}

/** Whether a message tells the conversation's domain: not "did not understand", small talk or
 * out of scope, which leave the domain as it was. */
export function setsDomain(message) {
  const topic = message?.topic || "";
  return message?.from === "bot" && Boolean(topic) && !/^(fallback\.|meta\.|out_of_scope)/.test(topic);
}

/** Who said a message, as the resident sees it ("Sinä", "Avustaja", "Sairaanhoitaja Anna"). */
export function speaker(message, lang) {
  if (message.from === "resident") return t(lang, "you");
  if (message.from === "staff") {
    const role = t(lang, message.staff?.role === "nurse" ? "roleNurse" : "roleAgent");
    return t(lang, "staffPrefix", { role, name: message.staff?.first_name || "" }).trim();
  }
  return t(lang, "assistant");
}

/** The conversation as plain text for the resident to keep: a title with the date, then each
 * message with who said it (buttons and feedback left out). */
export function transcriptText(messages, lang, date = new Date()) {
  const day = date.toISOString().slice(0, 10);
  const lines = [`${t(lang, "transcriptTitle")} – ${day}`, ""];
  for (const message of messages) {
    if (!message.text) continue;
    lines.push(`${speaker(message, lang)}:`, message.text.trim(), "");
  }
  return lines.join("\n");
}

/** Browser storage of the widget (localStorage survives reloads and pages of the same site). */
export class WidgetStore {
  constructor(storage, prefix = "citizenbot.") {
    this.storage = storage;
    this.prefix = prefix;
  }
  _get(key) {
    try {
      const value = this.storage.getItem(this.prefix + key);
      return value === null ? null : JSON.parse(value);
    } catch {
      return null;
    }
  }
  _set(key, value) {
    try {
      if (value === null || value === undefined) this.storage.removeItem(this.prefix + key);
      else this.storage.setItem(this.prefix + key, JSON.stringify(value));
    } catch {
      /* storage full or blocked: the widget still works for this page */
    }
  }
  get session() {
    const s = this._get("session");
    return s && typeof s.session_id === "string" && typeof s.token === "string" ? s : null;
  }
  set session(value) {
    this._set("session", value);
  }
  get lang() {
    return this._get("lang");
  }
  set lang(value) {
    this._set("lang", LANGS.includes(value) ? value : null);
  }
  get privacyAccepted() {
    return this._get("privacy") === true;
  }
  set privacyAccepted(value) {
    this._set("privacy", value ? true : null);
  }
  get open() {
    return this._get("open") === true;
  }
  set open(value) {
    this._set("open", value ? true : null);
  }
  vote(messageId) {
    const votes = this._get("votes") || {};
    return votes[messageId] || null;
  }
  setVote(messageId, value) {
    const votes = this._get("votes") || {};
    votes[messageId] = value;
    const keys = Object.keys(votes);
    if (keys.length > 200) delete votes[keys[0]];
    this._set("votes", votes);
  }
  clearConversation() {
    this._set("session", null);
    this._set("votes", null);
  }
}
