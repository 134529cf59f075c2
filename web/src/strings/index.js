// The widget's texts, one module per language. A new language is its file (copy en.js, translate
// every text, set languageName) plus its line in TABLES below; its RTL direction, if any, comes from
// RTL_LANGS in core.js. Every served language is checked to have every English key (web/test/), and
// a key still missing at run time shows the English text rather than the key.
import en from "./en.js";
import fi from "./fi.js";
import sv from "./sv.js";
import ru from "./ru.js";
import uk from "./uk.js";
import et from "./et.js";
import ar from "./ar.js";
import so from "./so.js";
import fa from "./fa.js";

// The served languages, in the order of the widget's language switch.
const TABLES = {
  fi,
  sv,
  en,
  ru,
  uk,
  et,
  ar,
  so,
  fa,
};

export const FALLBACK_LANG = "en";

/** A language's texts with the fallback language's text for each key it lacks. */
export function withFallback(own, fallback) {
  const table = { ...fallback };
  for (const [key, value] of Object.entries(own)) {
    if (typeof value === "string" && value.trim()) table[key] = value;
  }
  return table;
}

export const SOURCES = Object.freeze({ ...TABLES });
export const LANGS = Object.freeze(Object.keys(TABLES));
export const STRINGS = Object.freeze(
  Object.fromEntries(LANGS.map((lang) => [lang, Object.freeze(withFallback(TABLES[lang], TABLES[FALLBACK_LANG]))])),
);
export const LANGUAGE_NAMES = Object.freeze(Object.fromEntries(LANGS.map((lang) => [lang, TABLES[lang].languageName])));
