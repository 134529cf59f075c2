// Telling a staff member of an emergency when their eyes are elsewhere (another tab, another
// window): a short tone made with Web Audio (no sound file) and a browser notification, once they
// have allowed notifications ("Salli ilmoitukset" in the header: browsers ask only after a click).

let audio = null;

/** Two short high beeps. Browsers let a page play sound after the user's first click (the login). */
export function tone() {
  try {
    audio ??= new AudioContext();
    for (const start of [0, 0.3]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.value = 0.15;
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
