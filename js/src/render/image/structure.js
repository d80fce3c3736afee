// What the overlay controls need to know about one or more image payloads: the layers (mask
// layers and box groups by name; a mask layer and a box group with the same name share one
// toggle), their classes with labels, and each score name's range.
import { classLabel } from "./state.js";

/**
 * @param {object[]} payloads image v1 payloads
 * @returns {{layers: {name: string, mask: boolean, boxes: boolean, classes: {id: number, label: string}[]}[],
 *            scores: {name: string, min: number, max: number}[], hasMasks: boolean}}
 */
export function overlayStructure(payloads) {
  const layers = new Map();
  const scores = new Map();
  const layer = (name) => {
    if (!layers.has(name)) layers.set(name, { name, mask: false, boxes: false, classes: new Map() });
    return layers.get(name);
  };
  for (const payload of payloads) {
    for (const [name, mask] of Object.entries(payload.masks || {})) {
      const entry = layer(name);
      entry.mask = true;
      for (const id of mask.classes || []) {
        if (!entry.classes.has(id)) entry.classes.set(id, classLabel(mask.class_labels, id));
      }
    }
    for (const [name, group] of Object.entries(payload.boxes || {})) {
      const entry = layer(name);
      entry.boxes = true;
      for (const box of group.box_data || []) {
        if (!entry.classes.has(box.class_id)) entry.classes.set(box.class_id, classLabel(group.class_labels, box.class_id));
        for (const [scoreName, value] of Object.entries(box.scores || {})) {
          const range = scores.get(scoreName) || { name: scoreName, min: value, max: value };
          range.min = Math.min(range.min, value);
          range.max = Math.max(range.max, value);
          scores.set(scoreName, range);
        }
      }
    }
  }
  const layerList = [...layers.values()].map((entry) => ({
    ...entry,
    classes: [...entry.classes].sort((a, b) => a[0] - b[0]).map(([id, label]) => ({ id, label })),
  }));
  const scoreList = [...scores.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { layers: layerList, scores: scoreList, hasMasks: layerList.some((l) => l.mask) };
}
