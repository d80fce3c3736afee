// The browser's toolbar: play/pause, speed, previous/next, the global step slider with the step
// shown, and the panel search box. It only reports intents; the shell owns the state.
import { h, listen } from "../lib/dom.js";

export const SPEEDS = [1, 2, 4, 8, 16, 32];

/**
 * @param {{onStep(step), onPlay(bool), onSpeed(n), onSearch(text), idPrefix: string}} handlers
 */
export function createStepBar(handlers) {
  const id = (name) => `${handlers.idPrefix}-${name}`;
  const play = h("button", { type: "button", class: "fs-play", "aria-pressed": "false", "aria-label": "Play", title: "Play / pause (space)" }, "▶");
  const prev = h("button", { type: "button", class: "fs-prev", "aria-label": "Previous step", title: "Previous step (←)" }, "◀");
  const next = h("button", { type: "button", class: "fs-next", "aria-label": "Next step", title: "Next step (→)" }, "▶▏");
  next.textContent = "▶";
  const speed = h("select", { id: id("speed"), class: "fs-speed" },
    SPEEDS.map((n) => h("option", { value: String(n) }, `${n} steps/s`)));
  const slider = h("input", { id: id("step"), class: "fs-step-slider", type: "range", min: "0", max: "0", step: "1", value: "0" });
  const readout = h("output", { class: "fs-step-readout", for: id("step"), "aria-live": "off" });
  const search = h("input", { id: id("search"), class: "fs-search", type: "search", placeholder: "Filter panels by key", autocomplete: "off", spellcheck: "false" });
  const el = h("div", { class: "fs-stepbar", role: "toolbar", "aria-label": "Step controls" },
    play, prev, next,
    h("label", { class: "fs-step-label", for: id("step") }, "Step"), slider, readout,
    h("label", { class: "fs-visually-hidden", for: id("speed") }, "Playback speed"), speed,
    h("label", { class: "fs-visually-hidden", for: id("search") }, "Filter panels by key"), search);

  let steps = new Int32Array(0);
  let position = -1;
  const offs = [
    listen(slider, "input", () => {
      const i = Number(slider.value);
      if (steps.length) handlers.onStep(steps[i]);
    }),
    listen(play, "click", () => handlers.onPlay(play.getAttribute("aria-pressed") !== "true")),
    listen(prev, "click", () => position > 0 && handlers.onStep(steps[position - 1])),
    listen(next, "click", () => position < steps.length - 1 && handlers.onStep(steps[position + 1])),
    listen(speed, "change", () => handlers.onSpeed(Number(speed.value))),
    listen(search, "input", () => handlers.onSearch(search.value)),
  ];

  return {
    el,
    slider,
    /** Reflect state: the slider's stops, the current step and its position among them. */
    set({ stops, step, index, playing, speedValue, searchText }) {
      steps = stops;
      position = index;
      const max = Math.max(0, stops.length - 1);
      if (slider.max !== String(max)) slider.max = String(max);
      if (slider.value !== String(Math.max(0, index))) slider.value = String(Math.max(0, index));
      slider.disabled = stops.length === 0;
      const text = stops.length === 0 ? "no steps yet"
        : `step ${step}  (${index + 1} of ${stops.length}; ${stops[0]}–${stops[stops.length - 1]})`;
      readout.textContent = text;
      slider.setAttribute("aria-valuetext", stops.length ? `step ${step}` : "no steps yet");
      play.setAttribute("aria-pressed", playing ? "true" : "false");
      play.setAttribute("aria-label", playing ? "Pause" : "Play");
      play.textContent = playing ? "❚❚" : "▶";
      prev.disabled = index <= 0;
      next.disabled = index >= stops.length - 1;
      const wanted = String(speedValue);
      if (!SPEEDS.map(String).includes(wanted)) {
        speed.append(h("option", { value: wanted }, `${wanted} steps/s`));
      }
      if (speed.value !== wanted) speed.value = wanted;
      if (document.activeElement !== search && search.value !== (searchText || "")) search.value = searchText || "";
    },
    destroy() {
      for (const off of offs) off();
      el.remove();
    },
  };
}
