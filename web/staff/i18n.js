// The console's language: Finnish, Swedish or English, each staff member's own choice (kept in this
// browser per account; the first time, the browser's language if it is one of the three, else Finnish).
// Texts come from strings/<lang>.js; a key missing there falls back to English.
import en from "/staff/strings/en.js";
import fi from "/staff/strings/fi.js";
import sv from "/staff/strings/sv.js";

export const LANGS = { fi, sv, en };
const NATIVE = { fi: "suomi", sv: "svenska", en: "English" };
let current = "fi";

export function lang() {
  return current;
}

/** t("waited", {min: 3, sec: "05"}): the text in the chosen language, English as fallback, the key itself last. */
export function t(key, params = {}) {
  const value = LANGS[current][key] ?? en[key];
  if (typeof value === "function") return value(params);
  return value ?? key;
}

/** A name from a family of keys ("queue", "nurse" → t("queue_nurse")), or the raw value when unknown. */
export function named(family, value) {
  const key = `${family}_${value}`;
  return key in en ? t(key) : value;
}

function storageKey(username) {
  return `cb_staff_lang:${username || ""}`;
}

export function preferred(username) {
  const stored = localStorage.getItem(storageKey(username));
  if (stored in LANGS) return stored;
  const browser = (navigator.language || "").slice(0, 2);
  return browser in LANGS ? browser : "fi";
}

export function setLang(code, username) {
  current = code in LANGS ? code : "fi";
  if (username !== undefined) localStorage.setItem(storageKey(username), current);
  document.documentElement.lang = current;
  applyTexts();
}

/** Static texts of the page: data-t (text), data-t-label (aria-label). */
export function applyTexts(root = document) {
  for (const node of root.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of root.querySelectorAll("[data-t-label]")) node.setAttribute("aria-label", t(node.dataset.tLabel));
  document.title = t("pageTitle");
}

/** The language choice: each option names its language in that language. */
export function fillLanguageChoice(select) {
  select.replaceChildren(...Object.keys(LANGS).map((code) => {
    const option = document.createElement("option");
    option.value = code;
    option.lang = code;
    option.textContent = NATIVE[code];
    return option;
  }));
  select.value = current;
}

export function timeOf(ts) {
  return new Date(ts * 1000).toLocaleTimeString(`${current}-FI`, { hour: "2-digit", minute: "2-digit" });
}
