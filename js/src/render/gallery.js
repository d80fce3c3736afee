// Gallery renderer: a list of media logged under one key, in a responsive grid. Image items
// share one view state (one opacity slider, one set of layer/class toggles and score
// thresholds for the whole gallery, shown once above the grid); other media types are shown by
// their own renderers. Payload gallery v1: {type: "gallery", v: 1, items: [child metas made by
// filmstrip.media.base.nest(child, "i<k>/")], buffers: all children's buffers under "i<k>/"}.
import { h } from "../lib/dom.js";
import * as image from "./image.js";
import { rendererFor } from "./index.js";
import { mountControls } from "./image/controls.js";
import { overlayStructure } from "./image/structure.js";
import { mergeState, viewState } from "./image/state.js";
import { childPayload } from "../lib/nested.js";

export { childPayload };

export function mount(el, payload, options = {}) {
  let opts = options;
  let state = viewState(options);
  let current = null;
  let items = [];
  let children = [];
  let controls = null;
  const root = h("div", { class: "fs-gallery fs-image", "data-lm-suppress-shortcuts": "true" },
    h("style", { text: image.imageCss }));
  const controlsSlot = h("div", { class: "fs-gallery-controls" });
  const grid = h("div", { class: "fs-gallery-grid", role: "list" });
  const summary = h("div", { class: "fs-muted fs-gallery-summary" });
  root.append(controlsSlot, summary, grid);
  el.append(root);

  const childOptions = () => ({
    ...state, compact: true, show_caption: true, nested: true, max_height: opts.max_height, onChange: interact,
  });
  function interact(patch) {
    state = mergeState(state, patch);
    apply();
    if (typeof opts.onChange === "function") opts.onChange(patch);
  }
  function apply() {
    if (controls) controls.update(overlayStructure(images()), state);
    children.forEach((child, k) => child.update(items[k], childOptions()));
  }
  const images = () => items.filter((item) => item.type === "image");

  function build(next) {
    for (const child of children) child.destroy();
    if (controls) controls.destroy();
    children = [];
    controls = null;
    grid.replaceChildren();
    current = next;
    const buffers = next.buffers || {};
    items = (next.items || []).map((meta) => childPayload(meta, buffers));
    summary.textContent = items.length === 0 ? "No media in this list." : "";
    summary.hidden = items.length !== 0;
    const imageItems = images();
    if (imageItems.length) controls = mountControls(controlsSlot, overlayStructure(imageItems), state, interact);
    items.forEach((item, k) => {
      const cell = h("div", { class: "fs-gallery-item", role: "listitem", "data-index": String(k) });
      grid.append(cell);
      const renderer = item.type === "image" ? image : rendererFor(item.type);
      children.push(renderer.mount(cell, item, childOptions()));
    });
  }
  build(payload);

  return {
    update(nextPayload, nextOptions = {}) {
      opts = nextOptions;
      state = mergeState(state, nextOptions);
      if (nextPayload && nextPayload !== current) build(nextPayload);
      else apply();
    },
    destroy() {
      for (const child of children) child.destroy();
      if (controls) controls.destroy();
      root.remove();
    },
  };
}
