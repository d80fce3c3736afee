// Image renderer: the image with its segmentation masks blended in (per-layer and per-class
// toggles, shared opacity), bounding boxes (per-group toggles, class colours, captions, score
// thresholds), zoom/pan, a hover read-out and the caption. `options.compact` shows just the
// image with overlays (table cells, small panels). Payload: image v1 (filmstrip.media.image).
import { h } from "../lib/dom.js";
import css from "./image/image.css";
import { mountControls } from "./image/controls.js";
import { overlayStructure } from "./image/structure.js";
import { mergeState, viewState } from "./image/state.js";
import { mountImageView } from "./image/view.js";

export { css as imageCss };

/**
 * @param {HTMLElement} el
 * @param {object} payload image v1 payload
 * @param {{compact?: boolean, show_caption?: boolean, max_height?: number, nested?: boolean,
 *          onChange?: (patch: object) => void, mask_opacity?: number, hidden_layers?: string[],
 *          hidden_classes?: object, score_thresholds?: object, zoom?: number}} options
 */
export function mount(el, payload, options = {}) {
  let opts = options;
  let state = viewState(options);
  let current = payload;
  let structure = overlayStructure([payload]);
  const compact = Boolean(options.compact);
  const root = h("div", { class: "fs-image", "data-lm-suppress-shortcuts": "true" });
  if (!options.nested) root.append(h("style", { text: css }));

  // Interaction updates the local state at once (so views without a host still work) and
  // reports the patch; the host echoes it back through update().
  const interact = (patch) => {
    state = mergeState(state, patch);
    apply();
    if (typeof opts.onChange === "function") opts.onChange(patch);
  };
  const controls = compact ? null : mountControls(root, structure, state, interact);
  const view = mountImageView(root, { compact, maxHeight: options.max_height, onInteract: interact });
  const caption = h("div", { class: "fs-caption fs-image-caption" });
  root.append(caption);
  const showCaption = (p) => {
    const text = typeof p.caption === "string" ? p.caption : "";
    caption.textContent = text;
    caption.hidden = !text || (compact && opts.show_caption !== true);
  };
  function apply() {
    if (controls) controls.update(structure, state);
    view.setState(state);
  }
  showCaption(payload);
  view.setState(state);
  view.setPayload(payload);
  el.append(root);

  return {
    update(nextPayload, nextOptions = {}) {
      opts = nextOptions;
      state = mergeState(state, nextOptions);
      if (nextPayload && nextPayload !== current) {
        current = nextPayload;
        structure = overlayStructure([nextPayload]);
        showCaption(nextPayload);
        view.setPayload(nextPayload);
      }
      apply();
    },
    destroy() {
      if (controls) controls.destroy();
      view.destroy();
      root.remove();
    },
  };
}
