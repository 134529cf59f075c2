// Who answers, shown in the header and the banner: the assistant, a place in a queue (with
// "Leave the queue"), or the person who has the conversation.
import { formatOpening, t } from "./core.js";

function roleName(lang, role) {
  return t(lang, role === "nurse" ? "roleNurse" : "roleAgent");
}

export function renderBanner(ui, handoff, lang) {
  const h = handoff || {};
  const person = h.state === "active" && h.staff
    ? { role: roleName(lang, h.staff.role), name: h.staff.first_name || "" }
    : null;
  ui.subtitle.textContent = person ? t(lang, "staffPrefix", person).trim() : t(lang, "subtitle");
  if (h.state === "queued") {
    ui.bannerText.textContent = t(lang, "queueBanner", { position: h.position, wait: h.wait_minutes });
    ui.leaveButton.hidden = false;
    ui.banner.hidden = false;
  } else if (h.state === "message_left") {
    const when = formatOpening(h.opens_at, h.timezone, lang);
    ui.bannerText.textContent = t(lang, when ? "messageBanner" : "messageBannerNoTime", { when });
    ui.leaveButton.hidden = true;
    ui.banner.hidden = false;
  } else if (person) {
    ui.bannerText.textContent = t(lang, "withStaff", person);
    ui.leaveButton.hidden = true;
    ui.banner.hidden = false;
  } else {
    ui.banner.hidden = true;
  }
}
