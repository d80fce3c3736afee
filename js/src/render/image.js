// Placeholder until the image renderer lands: says so on screen.
import * as message from "./message.js";

export function mount(el, payload, options = {}) {
  return message.mount(el, payload, { ...options, message: "The image renderer is not built yet." });
}
