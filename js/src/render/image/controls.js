// The overlay controls shared by one image or a whole gallery: a toggle per layer (mask layer
// and/or box group), a legend per layer with a colour swatch and toggle per class, the mask
// opacity slider, a threshold slider per score name, and zoom buttons. Controls only report
// patches ({trait: value}); the caller owns the state and calls update() with it.
import { h } from "../../lib/dom.js";
import { classColor, cssColor } from "../../lib/palette.js";
import { hiddenClassIds, isLayerHidden, MAX_ZOOM, MIN_ZOOM, toggled, toggledClass, clampZoom } from "./state.js";

const ZOOM_STEP = 1.5;

// JupyterLab matches command-mode shortcuts against the focused element itself
// (".jp-Notebook.jp-mod-commandMode :focus:not(:read-write)") before it reaches an ancestor
// with data-lm-suppress-shortcuts, so every focusable control must carry the attribute.
const SUPPRESS = { "data-lm-suppress-shortcuts": "true" };

function niceStep(range) {
  if (!(range > 0)) return 1;
  const raw = range / 100;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw);
}

function formatNumber(value) {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}

function layerKind(layer) {
  return layer.mask && layer.boxes ? "mask + boxes" : layer.mask ? "mask" : "boxes";
}

/**
 * @param {HTMLElement} parent
 * @param {ReturnType<import("./structure.js").overlayStructure>} structure
 * @param {object} state view state
 * @param {(patch: object) => void} onPatch
 */
export function mountControls(parent, structure, state, onPatch) {
  let current = state;
  let signature = "";
  const legends = h("div", { class: "fs-image-legends" });
  const opacityInput = h("input", {
    ...SUPPRESS, type: "range", min: "0", max: "1", step: "0.05", class: "fs-opacity", "aria-label": "Mask opacity",
    oninput: () => onPatch({ mask_opacity: Number(opacityInput.value) }),
  });
  const opacityValue = h("output", { class: "fs-opacity-value" });
  const opacityRow = h("label", { class: "fs-opacity-control" }, "Mask opacity ", opacityInput, opacityValue);
  const scoresRow = h("div", { class: "fs-controls fs-image-scores" });
  const zoomValue = h("span", { class: "fs-zoom-value fs-muted" });
  const zoomBy = (factor) => onPatch({ zoom: clampZoom(current.zoom * factor) });
  const zoomRow = h("span", { class: "fs-image-zoom" },
    h("button", { ...SUPPRESS, type: "button", class: "fs-zoom-out", "aria-label": "Zoom out", title: "Zoom out (-)", onclick: () => zoomBy(1 / ZOOM_STEP) }, "−"),
    h("button", { ...SUPPRESS, type: "button", class: "fs-zoom-in", "aria-label": "Zoom in", title: "Zoom in (+)", onclick: () => zoomBy(ZOOM_STEP) }, "+"),
    h("button", { ...SUPPRESS, type: "button", class: "fs-zoom-reset", "aria-label": "Fit image", title: "Fit (0)", onclick: () => onPatch({ zoom: MIN_ZOOM }) }, "Fit"),
    zoomValue);
  const mainRow = h("div", { class: "fs-controls" }, opacityRow, zoomRow);
  const root = h("div", { class: "fs-image-controls" }, legends, mainRow, scoresRow);
  parent.append(root);

  function build(next) {
    legends.replaceChildren();
    for (const layer of next.layers) {
      const classButtons = layer.classes.map(({ id, label }) =>
        h("button", {
          ...SUPPRESS, type: "button", class: "fs-class-toggle", "data-layer": layer.name, "data-class-id": String(id),
          title: `${label} (class ${id}): show or hide`,
          onclick: () => onPatch(toggledClass(current, layer.name, id)),
        }, h("span", { class: "fs-swatch", style: { background: cssColor(classColor(id)) } }), " ", label));
      legends.append(h("div", { class: "fs-legend", role: "group", "aria-label": `${layer.name} classes`, "data-layer": layer.name },
        h("button", {
          ...SUPPRESS, type: "button", class: "fs-layer-toggle", "data-layer": layer.name, title: `show or hide ${layerKind(layer)} "${layer.name}"`,
          onclick: () => onPatch({ hidden_layers: toggled(current.hidden_layers, layer.name) }),
        }, layer.name),
        h("span", { class: "fs-muted fs-layer-kind" }, layerKind(layer)),
        ...classButtons));
    }
    scoresRow.replaceChildren();
    for (const score of next.scores) {
      const input = h("input", {
        ...SUPPRESS, type: "range", class: "fs-score-threshold", "data-score": score.name,
        min: String(score.min), max: String(score.max), step: String(niceStep(score.max - score.min)),
        "aria-label": `Minimum ${score.name} score`, disabled: score.max <= score.min,
      });
      input.addEventListener("input", () =>
        onPatch({ score_thresholds: { ...current.score_thresholds, [score.name]: Number(input.value) } }));
      scoresRow.append(h("label", { class: "fs-score-control" }, `${score.name} ≥ `, input,
        h("output", { class: "fs-score-value", "data-score": score.name })));
    }
    opacityRow.hidden = !next.hasMasks;
    scoresRow.hidden = next.scores.length === 0;
  }

  function update(next, nextState) {
    const nextSignature = JSON.stringify(next);
    if (nextSignature !== signature) {
      signature = nextSignature;
      build(next);
    }
    current = nextState;
    for (const button of legends.querySelectorAll(".fs-layer-toggle")) {
      button.setAttribute("aria-pressed", String(!isLayerHidden(current, button.dataset.layer)));
    }
    for (const button of legends.querySelectorAll(".fs-class-toggle")) {
      const hidden = hiddenClassIds(current, button.dataset.layer).has(Number(button.dataset.classId));
      button.setAttribute("aria-pressed", String(!hidden));
      button.classList.toggle("fs-layer-off", isLayerHidden(current, button.dataset.layer));
    }
    if (Number(opacityInput.value) !== current.mask_opacity) opacityInput.value = String(current.mask_opacity);
    opacityValue.textContent = current.mask_opacity.toFixed(2);
    for (const input of scoresRow.querySelectorAll(".fs-score-threshold")) {
      const threshold = current.score_thresholds[input.dataset.score];
      const value = typeof threshold === "number" ? threshold : Number(input.min);
      if (Number(input.value) !== value) input.value = String(value);
      const output = scoresRow.querySelector(`output[data-score="${CSS.escape(input.dataset.score)}"]`);
      output.textContent = formatNumber(value);
    }
    zoomValue.textContent = `${formatNumber(current.zoom)}×`;
    root.querySelector(".fs-zoom-in").disabled = current.zoom >= MAX_ZOOM;
    root.querySelector(".fs-zoom-out").disabled = current.zoom <= MIN_ZOOM;
  }

  update(structure, state);
  return {
    element: root,
    update,
    destroy() {
      root.remove();
    },
  };
}
