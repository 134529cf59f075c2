import assert from "node:assert/strict";
import { test } from "node:test";

import {
  LANGS,
  STRINGS,
  WidgetStore,
  direction,
  examples,
  isEmergency,
  linkName,
  linkifyParts,
  normaliseMessage,
  paragraphs,
  personPayload,
  phoneLinks,
  pickLanguage,
  setsDomain,
  speaker,
  t,
  transcriptText,
  wantsFeedback,
} from "../src/core.js";

test("t fills parameters; an unknown language gets the Finnish texts", () => {
  assert.equal(t("en", "privacyText", { days: 30 }).includes("30 days"), true);
  assert.equal(t("de", "send"), STRINGS.fi.send);
  assert.equal(t("sv", "staffPrefix", { role: "Sjukskötare", name: "Anna" }), "Sjukskötare Anna");
  assert.equal(t("fi", "no.such.key"), "no.such.key");
});

test("the language comes from the resident's choice, else the page", () => {
  assert.equal(pickLanguage("sv", "fi"), "sv");
  assert.equal(pickLanguage(null, "en-GB"), "en");
  assert.equal(pickLanguage(null, "de"), "fi");
  assert.equal(pickLanguage("xx", ""), "fi");
});

test("links are only http(s), named by their site, and keep trailing punctuation as text", () => {
  assert.deepEqual(linkifyParts("Katso https://www.tampere.fi."), [
    { type: "text", value: "Katso " },
    { type: "link", href: "https://www.tampere.fi", value: "tampere.fi" },
    { type: "text", value: "." },
  ]);
  assert.deepEqual(linkifyParts("javascript:alert(1) <img src=x onerror=alert(1)>"), [
    { type: "text", value: "javascript:alert(1) <img src=x onerror=alert(1)>" },
  ]);
  assert.deepEqual(linkifyParts(""), []);
});

test("a link's name is its site and path, shortened, never the bare address", () => {
  assert.equal(linkName("https://www.pirha.fi/"), "pirha.fi");
  assert.equal(linkName("https://palaute.tampere.fi/palaute?x=1"), "palaute.tampere.fi/palaute?x=1");
  assert.equal(linkName(`https://www.tampere.fi/${"a".repeat(60)}`).length, 40);
  assert.equal(linkName("not a url"), "not a url");
});

test("numbers to call become tel: links only when asked, with the digits as the address", () => {
  const text = "Soita heti 112. Myrkytystietokeskus 0800 147 111 tai 09 471 977, Päivystysapu 116117.";
  const tels = linkifyParts(text, { phones: true }).filter((p) => p.type === "tel");
  assert.deepEqual(tels.map((p) => [p.value, p.href]), [
    ["112", "tel:112"], ["0800 147 111", "tel:0800147111"], ["09 471 977", "tel:09471977"], ["116117", "tel:116117"],
  ]);
  assert.ok(linkifyParts(text).every((p) => p.type === "text"));
  // report numbers, house numbers and longer numbers are not phone numbers
  const none = linkifyParts("Ilmoitus 1120 ja 21120, Hämeenkatu 12, kaava 8112", { phones: true });
  assert.ok(none.every((p) => p.type === "text"), JSON.stringify(none));
  assert.equal(phoneLinks(normaliseMessage({ text: "x", custom: { topic: "health.poisoning" } })), true);
  assert.equal(phoneLinks(normaliseMessage({ text: "x", custom: { topic: "maintenance.pothole.report.submitted" } })), false);
  assert.equal(phoneLinks(normaliseMessage({ from: "resident", text: "x" })), false);
});

test("the 112 answer is told by its topic, never by its text", () => {
  const answer = normaliseMessage({ text: "Soita heti 112.", custom: { topic: "health.emergency", id: "1" } });
  assert.equal(isEmergency(answer), true);
  assert.equal(isEmergency(normaliseMessage({ text: "x", custom: { topic: "health.emergency.during_report" } })), true);
  assert.equal(isEmergency(normaliseMessage({ text: "Soita 112", custom: { topic: "health.medical_helpline" } })), false);
  assert.equal(isEmergency(normaliseMessage({ text: "x", custom: { topic: "health.emergency_x" } })), false);
  assert.equal(isEmergency(normaliseMessage({ from: "resident", text: "x", custom: { topic: "health.emergency" } })), false);
});

test("the greeting offers three or four example questions in every language", () => {
  for (const lang of LANGS) {
    const questions = examples(lang);
    assert.ok(questions.length >= 3 && questions.length <= 4, `${lang}: ${questions}`);
    assert.equal(new Set(questions).size, questions.length);
    assert.ok(t(lang, "greeting").includes("112"), lang);
  }
  assert.notDeepEqual(examples("fi"), examples("sv"));
});

test("paragraphs split on blank lines", () => {
  assert.deepEqual(paragraphs("Soita 112.\n\nOdota ohjeita."), ["Soita 112.", "Odota ohjeita."]);
  assert.deepEqual(paragraphs(null), []);
});

test("messages are normalised whatever the server sends", () => {
  const m = normaliseMessage({
    text: "Hei",
    buttons: [{ title: "Kyllä", payload: "/affirm" }, { title: 5 }, null],
    custom: { topic: "meta.greet", lang: "fi", id: "abc" },
  });
  assert.deepEqual(m, {
    from: "bot", text: "Hei", buttons: [{ title: "Kyllä", payload: "/affirm" }],
    id: "abc", topic: "meta.greet", lang: "fi", staff: null, clientId: null,
  });
  assert.equal(normaliseMessage(null).text, "");
  assert.equal(normaliseMessage({ from: "<script>", custom: { lang: "xx" } }).from, "bot");
  // an answer in a language we do not serve keeps its code (for the lang attribute), nothing else does
  assert.equal(normaliseMessage({ text: "x", custom: { lang: "ru" } }).lang, "ru");
  assert.equal(normaliseMessage({ text: "x", custom: { lang: "fi\" onclick=\"x" } }).lang, null);
  assert.equal(normaliseMessage({ text: "x", custom: { lang: 5 } }).lang, null);
});

test("feedback is asked on answers, not on report-form questions", () => {
  const answer = normaliseMessage({ text: "x", custom: { topic: "maintenance.plow_berm", id: "1" } });
  const question = normaliseMessage({ text: "x", custom: { topic: "maintenance.pothole.report.ask_location", id: "2" } });
  const mine = normaliseMessage({ from: "resident", text: "x" });
  assert.equal(wantsFeedback(answer), true);
  assert.equal(wantsFeedback(question), false);
  assert.equal(wantsFeedback(mine), false);
  const joined = normaliseMessage({ text: "x", custom: { topic: "handoff.nurse.connected", id: "3" } });
  assert.equal(wantsFeedback(joined), false);
});

test("no feedback on the 112 answer, on not understanding, or on a closed or unavailable service", () => {
  for (const topic of ["health.emergency", "fallback.not_understood", "fallback.offer_person", "handoff.nurse.closed",
    "handoff.agent.closed", "handoff.agent.language", "handoff.already_queued"]) {
    assert.equal(wantsFeedback(normaliseMessage({ text: "x", custom: { topic, id: "5" } })), false, topic);
  }
  for (const topic of ["health.poisoning", "health.medical_helpline", "out_of_scope", "handoff.nurse"]) {
    assert.equal(wantsFeedback(normaliseMessage({ text: "x", custom: { topic, id: "6" } })), true, topic);
  }
});

test("talk to a person goes to the nurse after health topics", () => {
  assert.equal(personPayload("health.child_fever"), "/handoff.nurse");
  assert.equal(personPayload("maintenance.pothole"), "/handoff.agent");
  assert.equal(personPayload(null), "/handoff.agent");
  // after "the nurses chat at ..." outside their hours, a person is still a nurse
  assert.equal(personPayload("handoff.nurse.closed"), "/handoff.nurse");
  assert.equal(personPayload("handoff.agent.closed"), "/handoff.agent");
});

test("not understanding, small talk and out of scope leave the conversation's domain as it was", () => {
  const bot = (topic) => normaliseMessage({ text: "x", custom: { topic } });
  assert.equal(setsDomain(bot("health.child_fever")), true);
  assert.equal(setsDomain(bot("handoff.nurse.closed")), true);
  for (const topic of ["fallback.not_understood", "fallback.offer_person", "meta.thanks", "out_of_scope", null]) {
    assert.equal(setsDomain(bot(topic)), false, topic);
  }
  assert.equal(setsDomain(normaliseMessage({ from: "resident", text: "x" })), false);
});

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
  removeItem(k) { this.items.delete(k); }
}

test("the store keeps session, language, privacy consent and votes", () => {
  const storage = new MemoryStorage();
  const store = new WidgetStore(storage);
  assert.equal(store.session, null);
  store.session = { session_id: "a".repeat(32), token: "t" };
  store.lang = "sv";
  store.privacyAccepted = true;
  store.setVote("m1", "up");
  const again = new WidgetStore(storage);
  assert.deepEqual(again.session, { session_id: "a".repeat(32), token: "t" });
  assert.equal(again.lang, "sv");
  assert.equal(again.privacyAccepted, true);
  assert.equal(again.vote("m1"), "up");
  again.lang = "de";
  assert.equal(again.lang, null);
  again.clearConversation();
  assert.equal(again.session, null);
  assert.equal(again.vote("m1"), null);
  storage.setItem("citizenbot.session", "{not json");
  assert.equal(again.session, null);
});

test("the resident's transcript names who said what, in the widget's language", () => {
  const messages = [
    normaliseMessage({ from: "resident", text: "lapsella kuumetta" }),
    normaliseMessage({ text: "Anna lapselle juotavaa.", buttons: [{ title: "Kyllä", payload: "/affirm" }], custom: { topic: "health.child_fever" } }),
    normaliseMessage({ from: "staff", text: "Hei, olen hoitaja.", staff: { role: "nurse", first_name: "Anna" } }),
    normaliseMessage({ buttons: [{ title: "Ohita", payload: "/skip" }] }),
  ];
  assert.equal(speaker(messages[2], "sv"), "Sjukskötare Anna");
  const text = transcriptText(messages, "fi", new Date("2026-12-06T10:00:00Z"));
  assert.equal(text, [
    "Keskustelu kaupungin neuvonnan kanssa – 2026-12-06", "",
    "Sinä:", "lapsella kuumetta", "",
    "Avustaja:", "Anna lapselle juotavaa.", "",
    "Sairaanhoitaja Anna:", "Hei, olen hoitaja.", "",
  ].join("\n"));
  assert.ok(!text.includes("Kyllä") && !text.includes("Ohita"));
});

test("right-to-left languages are known: Arabic and Persian, every other served one left to right", () => {
  for (const lang of LANGS) assert.equal(direction(lang), ["ar", "fa"].includes(lang) ? "rtl" : "ltr", lang);
  assert.equal(direction("ar"), "rtl");
  assert.equal(direction("fa-IR"), "rtl");
  assert.equal(direction(null), "ltr");
});

test("a stored resident message keeps the client id the widget gave it; nothing else has one", () => {
  assert.equal(normaliseMessage({ from: "resident", text: "hei", client_id: "c-1" }).clientId, "c-1");
  assert.equal(normaliseMessage({ from: "resident", text: "hei" }).clientId, null);
  assert.equal(normaliseMessage({ from: "resident", text: "hei", client_id: 5 }).clientId, null);
});

test("the rating is asked when a chat a person had ends, not when a queue is left", async () => {
  const { chatEnded } = await import("../src/rating.js");
  const active = { state: "active", id: 7, staff: { role: "nurse" } };
  assert.equal(chatEnded(active, { state: "closed", id: 7 }), true);
  assert.equal(chatEnded(active, { state: "returned", id: 7 }), true);
  assert.equal(chatEnded({ state: "queued", id: 7 }, { state: "cancelled", id: 7 }), false);
  assert.equal(chatEnded({ state: "queued", id: 7 }, { state: "none" }), false);
  assert.equal(chatEnded(active, { state: "queued", id: 7 }), false); // transferred: still waiting
  assert.equal(chatEnded(active, { state: "closed" }), false);
});

test("a queue's closed answer offers a message; the opening is written in the resident's language", async () => {
  const { closedQueue, formatOpening } = await import("../src/core.js");
  assert.equal(closedQueue(normaliseMessage({ text: "x", custom: { topic: "handoff.nurse.closed" } })), "nurse");
  assert.equal(closedQueue(normaliseMessage({ text: "x", custom: { topic: "handoff.nurse.queued" } })), null);
  assert.equal(closedQueue(normaliseMessage({ from: "resident", text: "x", custom: { topic: "handoff.nurse.closed" } })), null);
  const monday = "2026-12-07T08:00:00+02:00";
  assert.equal(formatOpening(monday, "Europe/Helsinki", "fi"), "ma 7.12. klo 8.00");
  assert.equal(formatOpening(monday, "Europe/Helsinki", "sv"), "mån 7/12 8:00");
  assert.equal(formatOpening(monday, "Europe/Helsinki", "en"), "Mon 7 Dec, 8:00");
  // Persian in the Gregorian calendar (not 16 Azar), Somali with the month's name (not "12/7")
  assert.ok(formatOpening(monday, "Europe/Helsinki", "fa").includes("دسامبر"));
  assert.ok(!/\b12\/7\b/.test(formatOpening(monday, "Europe/Helsinki", "so")));
  assert.equal(formatOpening(null, "Europe/Helsinki", "fi"), "");
  assert.equal(formatOpening("not a date", "Europe/Helsinki", "fi"), "");
  assert.ok(formatOpening(monday, "Not/AZone", "fi").startsWith("ma 7.12."));
});
