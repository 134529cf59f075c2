import assert from "node:assert/strict";
import { test } from "node:test";

import { LANGS, LANGUAGE_NAMES, SOURCES, STRINGS, withFallback } from "../src/strings/index.js";
import en from "../src/strings/en.js";
import fi from "../src/strings/fi.js";
import sv from "../src/strings/sv.js";

test("every served language has every English text, and no key English lacks", () => {
  const keys = Object.keys(SOURCES.en).sort();
  for (const lang of LANGS) {
    assert.deepEqual(Object.keys(SOURCES[lang]).sort(), keys, lang);
    for (const key of keys) {
      assert.equal(typeof SOURCES[lang][key], "string", `${lang}.${key}`);
      assert.ok(SOURCES[lang][key].trim(), `${lang}.${key} is empty`);
    }
  }
});

test("the same placeholders in every language", () => {
  const names = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const lang of LANGS) {
    for (const key of Object.keys(SOURCES.en)) {
      assert.deepEqual(names(SOURCES[lang][key]), names(SOURCES.en[key]), `${lang}.${key}`);
    }
  }
});

test("the served languages come from the files, in the switch's order, named in their own language", () => {
  assert.deepEqual([...LANGS].slice(0, 3), ["fi", "sv", "en"]);
  assert.equal(SOURCES.fi, fi);
  assert.equal(SOURCES.sv, sv);
  assert.equal(STRINGS.en.send, en.send);
  assert.equal(LANGUAGE_NAMES.fi, "Suomi");
  assert.equal(LANGUAGE_NAMES.sv, "Svenska");
  assert.equal(LANGUAGE_NAMES.en, "English");
  for (const lang of LANGS) assert.ok(LANGUAGE_NAMES[lang], lang);
});

test("a key missing in a language falls back to English, an empty text too", () => {
  const partial = { languageName: "Deutsch", send: "Senden", title: "  " };
  const table = withFallback(partial, en);
  assert.equal(table.send, "Senden");
  assert.equal(table.languageName, "Deutsch");
  assert.equal(table.title, en.title);
  assert.equal(table.launcher, en.launcher);
  assert.deepEqual(Object.keys(table).sort(), Object.keys(en).sort());
});

test("the assembled tables cannot be changed by a caller", () => {
  assert.throws(() => {
    "use strict";
    STRINGS.fi.send = "x";
  }, TypeError);
});
