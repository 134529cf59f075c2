// Pure logic of the chat widget: texts, language choice, message model, link detection, storage.
// No DOM here, so it is unit-tested with `node --test` (web/test/).

export const LANGS = ["fi", "sv", "en"];

export const STRINGS = {
  fi: {
    launcher: "Kysy neuvoa",
    title: "Kaupungin neuvonta",
    subtitle: "Automaattinen avustaja",
    languageGroup: "Kieli",
    menu: "Valikko",
    close: "Sulje keskustelu",
    talkToPerson: "Keskustele ihmisen kanssa",
    privacyMenu: "Tietosuoja",
    newConversation: "Aloita uusi keskustelu",
    log: "Keskustelu",
    inputLabel: "Kirjoita kysymyksesi",
    placeholder: "Kirjoita kysymyksesi…",
    send: "Lähetä",
    you: "Sinä",
    assistant: "Avustaja",
    typing: "Avustaja kirjoittaa…",
    helpfulQuestion: "Oliko vastauksesta apua?",
    helpfulYes: "Kyllä",
    helpfulNo: "Ei",
    feedbackThanks: "Kiitos palautteesta!",
    privacyTitle: "Ennen kuin aloitat",
    privacyText:
      "Keskustelu tallennetaan, jotta voimme vastata ja kehittää palvelua. Tallennamme viestit ja mahdolliset vikailmoituksen tiedot {days} päivän ajan. Älä kirjoita henkilötunnustasi tai terveystietojasi tarkemmin kuin on tarpeen.",
    privacyLink: "Lue lisää tietosuojasta",
    privacyAccept: "Selvä, aloitetaan",
    connecting: "Yhdistetään…",
    disconnected: "Yhteys katkesi. Yritetään uudelleen…",
    unavailable: "Palvelu ei juuri nyt vastaa. Yritä hetken päästä uudelleen. Hätätilanteessa soita 112.",
    rateLimited: "Lähetit paljon viestejä lyhyessä ajassa. Odota hetki.",
    languageChanged: "Kieli vaihdettu: suomi",
    staffPrefix: "{role} {name}",
    roleNurse: "Sairaanhoitaja",
    roleAgent: "Asiakaspalvelu",
    queueBanner: "Olet jonossa: sija {position}, arvioitu odotus noin {wait} min.",
    leaveQueue: "Poistu jonosta",
    withStaff: "Keskustelet nyt: {role} {name}",
    staffTyping: "{role} kirjoittaa…",
    emergencyLabel: "Hätätilanne",
    greeting:
      "Hei! Olen kaupungin automaattinen avustaja. Vastaan kysymyksiin katujen kunnossapidosta, kaavoituksesta ja terveysneuvonnasta suomeksi, ruotsiksi ja englanniksi. Hätätilanteessa soita 112.",
    examplesLabel: "Voit kysyä esimerkiksi:",
    examples: "Kuka poistaa aurausvallin pihatien suulta?|Tiessä on kuoppa, miten ilmoitan siitä?|Lapsella on kuumetta, mitä teen?|Miten uusin reseptin?",
    newTab: "(avautuu uuteen välilehteen)",
    saveConversation: "Tallenna keskustelu",
    transcriptTitle: "Keskustelu kaupungin neuvonnan kanssa",
  },
  sv: {
    launcher: "Fråga om råd",
    title: "Stadens rådgivning",
    subtitle: "Automatisk assistent",
    languageGroup: "Språk",
    menu: "Meny",
    close: "Stäng chatten",
    talkToPerson: "Tala med en människa",
    privacyMenu: "Dataskydd",
    newConversation: "Börja en ny chatt",
    log: "Chatt",
    inputLabel: "Skriv din fråga",
    placeholder: "Skriv din fråga…",
    send: "Skicka",
    you: "Du",
    assistant: "Assistenten",
    typing: "Assistenten skriver…",
    helpfulQuestion: "Hade du nytta av svaret?",
    helpfulYes: "Ja",
    helpfulNo: "Nej",
    feedbackThanks: "Tack för din respons!",
    privacyTitle: "Innan du börjar",
    privacyText:
      "Chatten sparas så att vi kan svara och utveckla tjänsten. Vi sparar meddelandena och eventuella uppgifter i en felanmälan i {days} dagar. Skriv inte din personbeteckning och berätta inte mer om din hälsa än vad som behövs.",
    privacyLink: "Läs mer om dataskydd",
    privacyAccept: "Okej, vi börjar",
    connecting: "Ansluter…",
    disconnected: "Anslutningen bröts. Vi försöker igen…",
    unavailable: "Tjänsten svarar inte just nu. Försök igen om en stund. I en nödsituation, ring 112.",
    rateLimited: "Du skickade många meddelanden på kort tid. Vänta en stund.",
    languageChanged: "Språket är nu svenska",
    staffPrefix: "{role} {name}",
    roleNurse: "Sjukskötare",
    roleAgent: "Kundtjänst",
    queueBanner: "Du står i kön: nummer {position}, beräknad väntetid cirka {wait} min.",
    leaveQueue: "Lämna kön",
    withStaff: "Du chattar nu med: {role} {name}",
    staffTyping: "{role} skriver…",
    emergencyLabel: "Nödsituation",
    greeting:
      "Hej! Jag är stadens automatiska assistent. Jag svarar på frågor om gatuunderhåll, planläggning och hälsorådgivning på finska, svenska och engelska. I en nödsituation, ring 112.",
    examplesLabel: "Du kan till exempel fråga:",
    examples: "Vem tar bort plogvallen vid min infart?|Det finns en grop i gatan, hur anmäler jag det?|Mitt barn har feber, vad ska jag göra?|Hur förnyar jag ett recept?",
    newTab: "(öppnas i en ny flik)",
    saveConversation: "Spara chatten",
    transcriptTitle: "Chatt med stadens rådgivning",
  },
  en: {
    launcher: "Ask for advice",
    title: "City advice",
    subtitle: "Automated assistant",
    languageGroup: "Language",
    menu: "Menu",
    close: "Close the chat",
    talkToPerson: "Talk to a person",
    privacyMenu: "Privacy",
    newConversation: "Start a new conversation",
    log: "Conversation",
    inputLabel: "Type your question",
    placeholder: "Type your question…",
    send: "Send",
    you: "You",
    assistant: "Assistant",
    typing: "The assistant is typing…",
    helpfulQuestion: "Was this answer helpful?",
    helpfulYes: "Yes",
    helpfulNo: "No",
    feedbackThanks: "Thank you for your feedback!",
    privacyTitle: "Before you start",
    privacyText:
      "The conversation is stored so that we can answer and improve the service. We keep the messages and any fault report details for {days} days. Do not type your personal identity code, and share no more about your health than needed.",
    privacyLink: "Read more about privacy",
    privacyAccept: "OK, let's start",
    connecting: "Connecting…",
    disconnected: "The connection was lost. Trying again…",
    unavailable: "The service is not answering right now. Please try again in a moment. In an emergency, call 112.",
    rateLimited: "You sent many messages in a short time. Please wait a moment.",
    languageChanged: "Language changed to English",
    staffPrefix: "{role} {name}",
    roleNurse: "Nurse",
    roleAgent: "Customer service",
    queueBanner: "You are in the queue: number {position}, estimated wait about {wait} min.",
    leaveQueue: "Leave the queue",
    withStaff: "You are now talking to: {role} {name}",
    staffTyping: "{role} is typing…",
    emergencyLabel: "Emergency",
    greeting:
      "Hello! I am the city's automated assistant. I answer questions about street maintenance, zoning and health advice in Finnish, Swedish and English. In an emergency, call 112.",
    examplesLabel: "You can ask, for example:",
    examples: "Who clears the snow bank at the end of my driveway?|There is a pothole in the road, how do I report it?|My child has a fever, what should I do?|How do I renew a prescription?",
    newTab: "(opens in a new tab)",
    saveConversation: "Save the conversation",
    transcriptTitle: "Conversation with the city's advice service",
  },
};

export const LANGUAGE_NAMES = { fi: "Suomi", sv: "Svenska", en: "English" };

// Written right to left. None is served yet; a language added to LANGS and STRINGS (Arabic,
// Persian) turns the widget around by itself (widget.css uses logical properties only).
export const RTL_LANGS = ["ar", "fa", "he", "ur"];

export function direction(lang) {
  return RTL_LANGS.includes(String(lang || "").split("-")[0]) ? "rtl" : "ltr";
}

export function t(lang, key, params = {}) {
  const table = STRINGS[lang] || STRINGS.fi;
  const template = table[key] ?? STRINGS.fi[key] ?? key;
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
