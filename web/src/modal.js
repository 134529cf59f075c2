// On a phone the widget's panel covers the whole screen (widget.css), so it is a modal dialog:
// aria-modal="true" and focus kept inside (Tab and Shift+Tab wrap; focus moved to the page behind
// comes back). Beside the page on a wide screen it is not modal.

const PHONE = "(max-width: 30rem)"; // the same width as widget.css's full-screen rule
const FOCUSABLE = "button, [href], textarea, input, select, [tabindex]:not([tabindex='-1'])";

export class PhoneModal {
  /** panel: the dialog element; root: the widget's shadow root. */
  constructor(panel, root) {
    this.panel = panel;
    this.root = root;
    this.phone = window.matchMedia(PHONE);
    this.phone.addEventListener("change", () => this.apply());
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && this.active) this.trapTab(event);
    });
    document.addEventListener("focusin", (event) => {
      if (this.active && !this.panel.hidden && event.target !== this.root.host) this.focusables()[0]?.focus();
    });
    this.apply();
  }

  get active() {
    return this.phone.matches;
  }

  apply() {
    this.panel.setAttribute("aria-modal", String(this.active));
  }

  focusables() {
    return [...this.panel.querySelectorAll(FOCUSABLE)].filter(
      (node) => !node.disabled && node.getClientRects().length > 0 && !node.closest("[hidden]"),
    );
  }

  trapTab(event) {
    const nodes = this.focusables();
    if (!nodes.length) return;
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    const active = this.root.activeElement;
    if (event.shiftKey && (active === first || !this.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !this.panel.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }
}
