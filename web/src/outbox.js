// The resident's messages on their way: each gets a client id, kept until the gateway acknowledges
// it (stored and answered, or handed to the person who has the conversation). Without an answer
// within RETRY_AFTER_MS, or with an error, the message is "late" and the widget offers to send it
// again; a resend carries the same client id, so the gateway stores it once (citizenbot/web/gateway.py).
// No DOM here (unit-tested with node).

export const RETRY_AFTER_MS = 6000;

/** A random id for one message (not personal, not guessable across conversations). */
export function clientId(random = globalThis.crypto) {
  if (random?.randomUUID) return random.randomUUID();
  const bytes = new Uint8Array(16);
  random.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class Outbox {
  /** emit(entry, ack): sends {id, text, metadata, resend}; ack(answer) is called with the
   * gateway's answer. onChange(id, state): "sending", "late", "failed" or "done". */
  constructor({ emit, onChange, after = RETRY_AFTER_MS, timers = globalThis, newId = clientId }) {
    this.emit = emit;
    this.onChange = onChange;
    this.after = after;
    this.timers = timers;
    this.newId = newId;
    this.entries = new Map();
  }

  /** Send a new message; returns its client id. */
  send(text, metadata = {}) {
    const entry = { id: this.newId(), text, metadata, resend: false, state: null, timer: null, tries: 0 };
    this.entries.set(entry.id, entry);
    this._go(entry);
    return entry.id;
  }

  /** The resident pressed "send again": the same message with the same client id. */
  retry(id) {
    const entry = this.entries.get(id);
    if (!entry || !["late", "failed"].includes(entry.state)) return false;
    entry.resend = true;
    this._go(entry);
    return true;
  }

  /** Messages still waiting for the gateway (to show as late after a lost connection). */
  waiting() {
    return [...this.entries.values()].filter((e) => e.state === "sending").map((e) => e.id);
  }

  /** The stored conversation has the message (a history after a reconnect): it got through. */
  stored(id) {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.timers.clearTimeout(entry.timer);
    this.entries.delete(id);
    this._set(entry, "done");
  }

  /** The connection was lost: an answer to what was sending will not come on this connection. */
  disconnected() {
    for (const id of this.waiting()) this._set(this.entries.get(id), "late");
  }

  /** A new conversation: nothing of the old one is sent again. */
  clear() {
    for (const entry of this.entries.values()) this.timers.clearTimeout(entry.timer);
    this.entries.clear();
  }

  _go(entry) {
    entry.tries += 1;
    const attempt = entry.tries;
    this._set(entry, "sending");
    this.timers.clearTimeout(entry.timer);
    entry.timer = this.timers.setTimeout(() => {
      if (entry.state === "sending" && entry.tries === attempt) this._set(entry, "late");
    }, this.after);
    const { id, text, metadata, resend } = entry;
    this.emit({ id, text, metadata, resend }, (answer) => {
      if (this.entries.get(id) !== entry) return; // cleared meanwhile
      if (answer && answer.ok) {
        this.timers.clearTimeout(entry.timer);
        this.entries.delete(id);
        this._set(entry, "done");
      } else if (entry.tries === attempt) {
        // an older attempt's late error does not undo a newer one in flight
        this.timers.clearTimeout(entry.timer);
        this._set(entry, "failed");
      }
    });
  }

  _set(entry, state) {
    if (entry.state === state) return;
    entry.state = state;
    this.onChange(entry.id, state);
  }
}
