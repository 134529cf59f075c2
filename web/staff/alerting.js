// Telling a staff member of an emergency (or someone new in the queue) when their eyes are elsewhere (another tab, another
// window): a short tone made with Web Audio (no sound file) and a browser notification, once they
// have allowed notifications ("Salli ilmoitukset" in the header: browsers ask only after a click).

let audio = null;
const MUTE_KEY = "cb_staff_mute";

/** The staff member's choice (this browser): no tone for someone new in the queue. An emergency
 * always sounds: missing one costs more than an unwanted beep. */
export function muted() {
  return localStorage.getItem(MUTE_KEY) === "1";
}

export function setMuted(on) {
  localStorage.setItem(MUTE_KEY, on ? "1" : "0");
}

/** Two short high beeps (an emergency), or one low soft one ("soft": someone new in the queue).
 * Browsers let a page play sound after the user's first click (the login). */
export function tone(kind = "alarm") {
  if (kind === "soft" && muted()) return;
  try {
    audio ??= new AudioContext();
    const soft = kind === "soft";
    for (const start of soft ? [0] : [0, 0.3]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = soft ? 520 : 880;
      gain.gain.value = soft ? 0.08 : 0.15;
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + start);
      oscillator.stop(audio.currentTime + start + 0.2);
    }
  } catch {
    /* no audio device or not allowed: the alert on the page remains */
  }
}

export function canAsk() {
  return "Notification" in window && Notification.permission === "default";
}

export async function askPermission() {
  if (!("Notification" in window)) return false;
  return (await Notification.requestPermission()) === "granted";
}

/** A notification that stays until dismissed; one per conversation (tag), clicking it opens the console. */
export function notify(title, body, tag) {
  if (!("Notification" in window) || Notification.permission !== "granted") return false;
  const notification = new Notification(title, { body, tag, requireInteraction: true });
  notification.onclick = () => window.focus();
  return true;
}
