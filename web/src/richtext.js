// Texts from the server as DOM nodes (never innerHTML): paragraphs, line breaks, named http(s)
// links that open in a new tab, and (phones) numbers to call as tel: links.
import { linkifyParts, paragraphs, t } from "./core.js";
import { el } from "./dom.js";

/** Safe rich text: paragraphs, named http(s) links and (phones) tel: links built as DOM nodes,
 * never innerHTML. */
export function richText(text, { lang = "fi", phones = false } = {}) {
  const fragment = document.createDocumentFragment();
  for (const paragraph of paragraphs(text)) {
    // dir="auto": each paragraph runs in its own script's direction (Arabic right to left)
    const p = el("p", { dir: "auto" });
    paragraph.split("\n").forEach((line, index) => {
      if (index > 0) p.append(el("br"));
      for (const part of linkifyParts(line, { phones })) {
        if (part.type === "link") {
          const a = el("a", { href: part.href, target: "_blank", rel: "noopener noreferrer", text: part.value });
          a.append(el("span", { class: "visually-hidden", text: ` ${t(lang, "newTab")}` }));
          p.append(a);
        } else if (part.type === "tel") {
          p.append(el("a", { class: "tel", href: part.href, text: part.value }));
        } else {
          p.append(document.createTextNode(part.value));
        }
      }
    });
    fragment.append(p);
  }
  return fragment;
}
