// Blend mask layers over the image pixels: out = image * (1 - a) + colour * a for every pixel
// whose class is visible, layer by layer in payload order. Runs on every opacity/toggle change,
// so it works on the already decoded ids and keeps a per-class colour table, not a Map lookup.
import { classColor } from "../../lib/palette.js";
import { hiddenClassIds, isLayerHidden } from "./state.js";

/**
 * @param {ImageData} image decoded image pixels
 * @param {{name: string, ids: Uint16Array}[]} masks decoded mask layers
 * @param {object} state view state (mask_opacity, hidden_layers, hidden_classes)
 * @param {ImageData} out same size as image; overwritten
 */
export function compositeMasks(image, masks, state, out) {
  const dst = out.data;
  dst.set(image.data);
  const alpha = state.mask_opacity;
  if (alpha <= 0) return out;
  const keep = 1 - alpha;
  const minAlpha = Math.round(alpha * 255);
  for (const { name, ids, classes } of masks) {
    if (isLayerHidden(state, name)) continue;
    const hidden = hiddenClassIds(state, name);
    const present = classes || presentIds(ids);
    const maxId = present.reduce((max, id) => Math.max(max, id), 0);
    // Per class id: visible flag and the colour's contribution colour * a.
    const visible = new Uint8Array(maxId + 1);
    const tint = new Float32Array((maxId + 1) * 3);
    for (const id of present) {
      if (hidden.has(id)) continue;
      const [r, g, b] = classColor(id);
      visible[id] = 1;
      tint[id * 3] = r * alpha;
      tint[id * 3 + 1] = g * alpha;
      tint[id * 3 + 2] = b * alpha;
    }
    for (let i = 0, o = 0; i < ids.length; i++, o += 4) {
      const id = ids[i];
      if (!visible[id]) continue;
      const t = id * 3;
      dst[o] = dst[o] * keep + tint[t];
      dst[o + 1] = dst[o + 1] * keep + tint[t + 1];
      dst[o + 2] = dst[o + 2] * keep + tint[t + 2];
      if (dst[o + 3] < minAlpha) dst[o + 3] = minAlpha;
    }
  }
  return out;
}

function presentIds(ids) {
  const seen = new Set();
  for (let i = 0; i < ids.length; i++) seen.add(ids[i]);
  return [...seen];
}
