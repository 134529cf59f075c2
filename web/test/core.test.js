import assert from "node:assert/strict";
import { test } from "node:test";

import {
  LANGS,
  STRINGS,
  WidgetStore,
  linkifyParts,
  normaliseMessage,
  paragraphs,
  personPayload,
  pickLanguage,
  t,
  wantsFeedback,
} from "../src/core.js";

test("every widget text exists in every language", () => {
  const keys = Object.keys(STRINGS.fi);
  for (const lang of LANGS) {
    assert.deepEqual(Object.keys(STRINGS[lang]).sort(), [...keys].sort(), lang);
    for (const key of keys) assert.ok(STRINGS[lang][key].trim(), `${lang}.${key}`);
  }
});

test("t fills parameters and falls back to Finnish", () => {
  assert.equal(t("en", "privacyText", { days: 30 }).includes("30 days"), true);
  assert.equal(t("de", "send"), STRINGS.fi.send);
  assert.equal(t("sv", "staffPrefix", { role: "Sjukskötare", name: "Anna" }), "Sjukskötare Anna");
});

test("the language comes from the resident's choice, else the page", () => {
  assert.equal(pickLanguage("sv", "fi"), "sv");
  assert.equal(pickLanguage(null, "en-GB"), "en");
  assert.equal(pickLanguage(null, "de"), "fi");
  assert.equal(pickLanguage("xx", ""), "fi");
});

test("links are only http(s) and keep trailing punctuation as text", () => {
  assert.deepEqual(linkifyParts("Katso https://www.tampere.fi."), [
    { type: "text", value: "Katso " },
    { type: "link", href: "https://www.tampere.fi", value: "https://www.tampere.fi" },
    { type: "text", value: "." },
  ]);
  assert.deepEqual(linkifyParts("javascript:alert(1) <img src=x onerror=alert(1)>"), [
    { type: "text", value: "javascript:alert(1) <img src=x onerror=alert(1)>" },
  ]);
  assert.deepEqual(linkifyParts(""), []);
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
    id: "abc", topic: "meta.greet", lang: "fi", staff: null,
  });
  assert.equal(normaliseMessage(null).text, "");
  assert.equal(normaliseMessage({ from: "<script>", custom: { lang: "xx" } }).from, "bot");
});

test("feedback is asked on answers, not on report-form questions", () => {
  const answer = normaliseMessage({ text: "x", custom: { topic: "maintenance.plow_berm", id: "1" } });
  const question = normaliseMessage({ text: "x", custom: { topic: "maintenance.pothole.report.ask_location", id: "2" } });
  const mine = normaliseMessage({ from: "resident", text: "x" });
  assert.equal(wantsFeedback(answer), true);
  assert.equal(wantsFeedback(question), false);
  assert.equal(wantsFeedback(mine), false);
  const joined = normaliseMessage({ text: "x", custom: { topic: "handoff.nurse.connected", id: "3" } });
  const hours = normaliseMessage({ text: "x", custom: { topic: "handoff.nurse.closed", id: "4" } });
  assert.equal(wantsFeedback(joined), false);
  assert.equal(wantsFeedback(hours), true);
});

test("talk to a person goes to the nurse after health topics", () => {
  assert.equal(personPayload("health.child_fever"), "/handoff.nurse");
  assert.equal(personPayload("maintenance.pothole"), "/handoff.agent");
  assert.equal(personPayload(null), "/handoff.agent");
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
