// View state of an image (or a gallery of images): defaults, clamping and small pure helpers.
// Trait names match the Python widget (filmstrip.widgets.image): mask_opacity, hidden_layers,
// hidden_classes, score_thresholds, zoom.

export const MIN_ZOOM = 1; // 1 = the image fits the panel
export const MAX_ZOOM = 64;
export const DEFAULT_OPACITY = 0.6;

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const finite = (value, fallback) => (typeof value === "number" && Number.isFinite(value) ? value : fallback);

export function clampZoom(zoom) {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, finite(zoom, 1)));
}

/** The renderer's view state from host options, with defaults for anything missing. */
export function viewState(options = {}) {
  return {
    mask_opacity: Math.min(1, Math.max(0, finite(options.mask_opacity, DEFAULT_OPACITY))),
    hidden_layers: Array.isArray(options.hidden_layers) ? options.hidden_layers.map(String) : [],
    hidden_classes: isObject(options.hidden_classes) ? options.hidden_classes : {},
    score_thresholds: isObject(options.score_thresholds) ? options.score_thresholds : {},
    zoom: clampZoom(options.zoom),
  };
}

/** Copy `state` with only the view-state keys present in `options` replaced. */
export function mergeState(state, options = {}) {
  const present = {};
  for (const key of Object.keys(state)) if (key in options) present[key] = options[key];
  return viewState({ ...state, ...present });
}

export function isLayerHidden(state, layerName) {
  return state.hidden_layers.includes(layerName);
}

export function hiddenClassIds(state, layerName) {
  const ids = state.hidden_classes[layerName];
  return new Set(Array.isArray(ids) ? ids.map(Number) : []);
}

/** `list` with `item` added if absent, removed if present (a new array). */
export function toggled(list, item) {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** The hidden_classes patch that toggles one class of one layer. */
export function toggledClass(state, layerName, classId) {
  const ids = [...hiddenClassIds(state, layerName)];
  const next = ids.includes(classId) ? ids.filter((x) => x !== classId) : [...ids, classId].sort((a, b) => a - b);
  const hidden = { ...state.hidden_classes };
  if (next.length) hidden[layerName] = next;
  else delete hidden[layerName];
  return { hidden_classes: hidden };
}

/** Label of a class id in a `class_labels` table ({"<id>": label}), with the default name. */
export function classLabel(classLabels, classId) {
  const label = classLabels && classLabels[String(classId)];
  return typeof label === "string" ? label : `class_${classId}`;
}
