import assert from "node:assert/strict";
import { test } from "node:test";

import { Outbox, clientId } from "../src/outbox.js";

/** Timers the test moves by hand (no waiting on the clock). */
function fakeTimers() {
  let next = 1;
  const pending = new Map();
  return {
    setTimeout: (fn) => {
      pending.set(next, fn);
      return next++;
    },
    clearTimeout: (id) => pending.delete(id),
    fire() {
      const due = [...pending.values()];
      pending.clear();
      due.forEach((fn) => fn());
    },
  };
}

function outbox() {
  const timers = fakeTimers();
  const sent = [];
  const states = [];
  let n = 0;
  const box = new Outbox({
    emit: (entry, ack) => sent.push({ ...entry, ack }),
    onChange: (id, state) => states.push([id, state]),
    timers,
    newId: () => `m${++n}`,
  });
  return { box, timers, sent, states };
}

test("an acknowledged message is done and never offered again", () => {
  const { box, timers, sent, states } = outbox();
  const id = box.send("hei", { lang: "fi" });
  assert.deepEqual(sent.map(({ id, text, metadata, resend }) => ({ id, text, metadata, resend })), [
    { id, text: "hei", metadata: { lang: "fi" }, resend: false },
  ]);
  sent[0].ack({ ok: true });
  timers.fire();
  assert.deepEqual(states, [[id, "sending"], [id, "done"]]);
  assert.equal(box.retry(id), false);
});

test("no answer in time makes it late; the resend has the same client id and is marked as one", () => {
  const { box, timers, sent, states } = outbox();
  const id = box.send("hei");
  timers.fire();
  assert.deepEqual(states.at(-1), [id, "late"]);
  assert.equal(box.retry(id), true);
  assert.equal(sent.length, 2);
  assert.equal(sent[1].id, id);
  assert.equal(sent[1].resend, true);
  assert.deepEqual(states.at(-1), [id, "sending"]);
  sent[1].ack({ ok: true, duplicate: true });
  assert.deepEqual(states.at(-1), [id, "done"]);
});

test("an error answer fails at once; an old attempt's late error does not undo a newer one", () => {
  const { box, sent, states } = outbox();
  const id = box.send("hei");
  sent[0].ack({ ok: false, error: "unavailable" });
  assert.deepEqual(states.at(-1), [id, "failed"]);
  box.retry(id);
  sent[0].ack({ ok: false, error: "unavailable" }); // the first attempt again (a stray answer)
  assert.deepEqual(states.at(-1), [id, "sending"]);
  sent[1].ack({ ok: true });
  assert.deepEqual(states.at(-1), [id, "done"]);
});

test("a lost connection makes what was sending late; a new conversation forgets everything", () => {
  const { box, sent, states } = outbox();
  const a = box.send("yksi");
  const b = box.send("kaksi");
  sent[0].ack({ ok: true });
  box.disconnected();
  assert.deepEqual(states.at(-1), [b, "late"]);
  assert.deepEqual(box.waiting(), []);
  box.clear();
  assert.equal(box.retry(b), false);
  sent[1].ack({ ok: true }); // an answer after the clear changes nothing
  assert.deepEqual(states.at(-1), [b, "late"]);
  assert.notEqual(a, b);
});

test("client ids are random and distinct, also without randomUUID", () => {
  const ids = new Set(Array.from({ length: 50 }, () => clientId()));
  assert.equal(ids.size, 50);
  const fallback = clientId({ getRandomValues: (bytes) => bytes.fill(171) });
  assert.equal(fallback, "ab".repeat(16));
});

test("a message the stored conversation has is done, whatever its attempt's answer", () => {
  const { box, sent, states } = outbox();
  const id = box.send("hei");
  box.disconnected();
  box.stored(id);
  assert.deepEqual(states.at(-1), [id, "done"]);
  sent[0].ack({ ok: false });
  assert.deepEqual(states.at(-1), [id, "done"]);
  assert.equal(box.retry(id), false);
});
