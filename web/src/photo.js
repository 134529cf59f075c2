// A photo with a fault report. The "Add a photo" button sits beside the message box while the
// report form is open (the bot's last question is one of its steps). The chosen picture is scaled
// down and re-encoded here first: less to send over a phone's connection, and the phone's EXIF
// (its GPS position among it) never leaves the browser. It goes to POST /widget/photo; the server
// re-encodes it again and keeps nothing else (citizenbot/reports/photos.py, web/photos.py); the
// photo then shows in the log with "Remove".
import { t } from "./core.js";
import { el } from "./dom.js";

export const PHOTO_TYPES = ["image/jpeg", "image/png"];
export const MAX_EDGE = 1600; // the server's bound too
export const MAX_FILE_BYTES = 30 * 1024 * 1024; // larger files are refused before decoding
const SEND_WAIT_MS = 60000; // a photo over a slow phone connection
const FORM_STEPS = /\.report\.(ask_location|ask_description|ask_contact|ask_contact_address|invalid_contact|confirm)$/;
const ERROR_KEYS = { too_large: "photoTooLarge", not_image: "photoNotImage", no_report: "photoNoReport" };

/** Whether a bot message's topic is a step of the report form (a photo can be added now). */
export function reportFormOpen(topic) {
  return typeof topic === "string" && FORM_STEPS.test(topic);
}

/** A picture's size scaled to fit max x max, never enlarged. */
export function scaledSize(width, height, max = MAX_EDGE) {
  const scale = Math.min(1, max / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** The text key for the server's (or the browser's) reason a photo was not added. */
export function photoErrorKey(code) {
  return ERROR_KEYS[code] || "photoFailed";
}

/** The file as a new JPEG: upright, at most MAX_EDGE, no metadata; throws "not_image". */
async function shrink(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    throw new Error("not_image");
  }
  const [width, height] = scaledSize(bitmap.width, bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // a transparent PNG on white, as the server does
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("not_image"))), "image/jpeg", 0.85),
  );
}

/** A camera drawn in SVG (an emoji needs a font that not every device has). */
function cameraIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [key, value] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true",
    focusable: "false", class: "photo-icon" })) svg.setAttribute(key, value);
  const body = document.createElementNS(ns, "path");
  body.setAttribute("d", "M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z");
  const lens = document.createElementNS(ns, "circle");
  for (const [key, value] of Object.entries({ cx: "12", cy: "13", r: "4" })) lens.setAttribute(key, value);
  for (const part of [body, lens]) {
    part.setAttribute("fill", "none");
    part.setAttribute("stroke", "currentColor");
    part.setAttribute("stroke-width", "2");
    svg.append(part);
  }
  return svg;
}

export class PhotoControl {
  /** widget: its session, language, log and status (widget.js); base: the widget's own address
   * (the photo goes to the server the widget came from, not to the city's page). */
  constructor(widget, base) {
    this.widget = widget;
    this.base = base;
    this.input = el("input", { type: "file", accept: PHOTO_TYPES.join(","), hidden: true, tabindex: "-1",
      onchange: () => this.picked(this.input.files?.[0]) });
    this.button = el("button", { type: "button", class: "photo-button", hidden: true, onclick: () => this.input.click() });
    this.button.append(cameraIcon(), el("span", { class: "photo-label" }));
    widget.ui.form.insertBefore(this.button, widget.ui.sendButton);
    widget.ui.form.append(this.input);
  }

  applyTexts(lang) {
    this.button.querySelector(".photo-label").textContent = t(lang, "photoAdd");
  }

  /** Shown while the report form is open, from the topic of the bot's latest message. */
  follow(topic) {
    this.button.hidden = !reportFormOpen(topic);
  }

  fail(code) {
    this.widget.ui.status.textContent = t(this.widget.lang, photoErrorKey(code));
  }

  async picked(file) {
    this.input.value = ""; // the same file can be chosen again
    if (!file) return;
    const widget = this.widget;
    if (!PHOTO_TYPES.includes(file.type)) return this.fail("not_image");
    if (file.size > MAX_FILE_BYTES) return this.fail("too_large");
    if (!widget.session || !widget.ready) return widget.setStatus("disconnected");
    this.button.disabled = true;
    widget.ui.status.textContent = t(widget.lang, "photoSending");
    let blob;
    try {
      blob = await shrink(file);
    } catch (error) {
      this.button.disabled = false;
      return this.fail(error.message);
    }
    const answer = await this.call("POST", blob);
    this.button.disabled = false;
    if (!answer?.ok) return this.fail(answer?.error);
    widget.ui.status.textContent = "";
    this.show(blob);
    widget.ui.input.focus();
  }

  /** POST or DELETE /widget/photo with the session; the answer, or null when none came. */
  async call(method, body) {
    try {
      return await (await this.request(method, body)).json();
    } catch {
      return null; // no answer (offline, timeout) or not ours (a proxy's HTML error page)
    }
  }

  request(method, body) {
    const session = this.widget.session;
    const headers = { "X-Citizenbot-Session": session.session_id, "X-Citizenbot-Token": session.token };
    if (body) headers["Content-Type"] = "image/jpeg";
    return fetch(new URL("photo", this.base), { method, headers, body, signal: AbortSignal.timeout(SEND_WAIT_MS) });
  }

  /** After a reload (the history drawn again): the photo held for the report being made, shown
   * again with "Remove". Nothing when the form is not open or no photo is held. */
  async restore() {
    this.note = null; // the history replaced the log
    if (this.button.hidden || !this.widget.session) return;
    try {
      const response = await this.request("GET");
      if (response.ok && response.headers.get("content-type") === "image/jpeg") this.show(await response.blob());
    } catch {
      // not shown again; the report still has it
    }
  }

  /** The photo in the log, as the resident's, with "Remove" (one photo per report: a new one
   * replaces the one shown before). */
  show(blob) {
    const widget = this.widget;
    const lang = widget.lang;
    this.note?.remove();
    const url = URL.createObjectURL(blob);
    const image = el("img", { class: "photo-thumb", src: url, alt: t(lang, "photoAlt"), onload: () => widget.scrollToEnd() });
    const text = el("p", { text: t(lang, "photoAdded") });
    const remove = el("button", { type: "button", class: "retry-button", text: t(lang, "photoRemove"),
      onclick: () => this.remove(url) });
    this.note = el("div", { class: "msg resident photo-note" },
      el("span", { class: "who visually-hidden", text: `${t(lang, "you")}: ` }), image, text, remove);
    widget.ui.log.append(this.note);
    widget.messages.push({ from: "resident", text: t(lang, "photoAdded"), buttons: [] });
    widget.scrollToEnd();
  }

  async remove(url) {
    const widget = this.widget;
    const answer = await this.call("DELETE");
    if (!answer?.ok) return this.fail("failed");
    URL.revokeObjectURL(url);
    this.note?.replaceChildren(el("p", { text: t(widget.lang, "photoRemoved") }));
    this.note = null;
    widget.messages.push({ from: "resident", text: t(widget.lang, "photoRemoved"), buttons: [] });
    widget.ui.input.focus();
  }
}
