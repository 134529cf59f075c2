import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_EDGE, photoErrorKey, reportFormOpen, scaledSize } from "../src/photo.js";
import { STRINGS } from "../src/strings/index.js";

test("the photo button follows the report form's steps, and nothing else", () => {
  for (const step of ["ask_location", "ask_description", "ask_contact", "ask_contact_address", "invalid_contact", "confirm"]) {
    assert.ok(reportFormOpen(`maintenance.pothole.report.${step}`), step);
  }
  for (const topic of ["maintenance.pothole.report.submitted", "maintenance.pothole.report.cancelled",
    "maintenance.pothole", "health.emergency", "maintenance.report_status.ask_id", "", null, undefined]) {
    assert.equal(reportFormOpen(topic), false, String(topic));
  }
});

test("a picture is scaled to fit, never enlarged, and keeps its shape", () => {
  assert.deepEqual(scaledSize(4032, 3024), [MAX_EDGE, 1200]);
  assert.deepEqual(scaledSize(3024, 4032), [1200, MAX_EDGE]);
  assert.deepEqual(scaledSize(800, 600), [800, 600]);
  assert.deepEqual(scaledSize(20000, 1), [MAX_EDGE, 1]);
});

test("every reason a photo is not added has a text in every language", () => {
  for (const code of ["too_large", "not_image", "no_report", "rate_limited", "unavailable", "failed", undefined]) {
    const key = photoErrorKey(code);
    for (const [lang, texts] of Object.entries(STRINGS)) assert.ok(texts[key], `${lang}.${key}`);
  }
  assert.equal(photoErrorKey("too_large"), "photoTooLarge");
  assert.equal(photoErrorKey("rate_limited"), "photoFailed");
});
