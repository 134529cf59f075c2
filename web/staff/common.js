// What the console's modules share: the element lookup, the API call, the console's state.
const HEADERS = { "Content-Type": "application/json", "X-Requested-With": "citizenbot" };

export const $ = (id) => document.getElementById(id);

export const state = {
  me: null, current: null, opening: 0, socket: null, typingTimer: null, lastTyping: 0,
  emergencies: new Set(), // announced once
  unread: new Map(), // my conversations with messages I have not seen: id → how many
  queued: null, // ids seen waiting (null before the first load: no alert for what was already there)
  topics: null, // the trainers' topic choice
  onUnauthorized: () => {},
};

export async function api(path, { method = "GET", body } = {}) {
  const response = await fetch(path, {
    method,
    headers: method === "GET" ? {} : HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try {
    data = await response.json();
  } catch {
    /* empty body, or not JSON (a proxy's error page) */
  }
  if (response.status === 401 && path !== "/api/staff/login") state.onUnauthorized();
  return { ok: response.ok, status: response.status, data };
}

export function setStatus(text) {
  $("status").textContent = text || "";
}

/** A file the browser saves (a transcript). */
export function saveFile(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
