// Placeholder until the histogram renderer lands: says so on screen.
import * as message from "./message.js";

export function mount(el, payload, options = {}) {
  return message.mount(el, payload, { ...options, message: "The histogram renderer is not built yet." });
}
