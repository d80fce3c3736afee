// A panel that says what went wrong (or what is missing) instead of staying blank.
import { h } from "../lib/dom.js";

export function mount(el, payload, options = {}) {
  const box = h("div", { class: "fs-error", role: "status" });
  const show = (p, o) => {
    box.textContent = (o && o.message) || `filmstrip cannot show media of type "${p && p.type}" here.`;
  };
  show(payload, options);
  el.append(box);
  return {
    update: show,
    destroy() {
      box.remove();
    },
  };
}
