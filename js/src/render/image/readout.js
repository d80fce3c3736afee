// The hover read-out: pixel coordinates, the pixel's value and the class under it in each mask.
import { classLabel } from "./state.js";

/** Text for pixel (x, y) of a decoded image; `mode` is the payload mode (L, LA, RGB, RGBA). */
export function pixelReadout(decoded, mode, x, y) {
  const { image, masks } = decoded;
  const o = (y * image.width + x) * 4;
  const px = image.data;
  let value;
  if (mode === "L") value = `value ${px[o]}`;
  else if (mode === "LA") value = `value ${px[o]}, alpha ${px[o + 3]}`;
  else if (mode === "RGBA") value = `RGBA ${px[o]}, ${px[o + 1]}, ${px[o + 2]}, ${px[o + 3]}`;
  else value = `RGB ${px[o]}, ${px[o + 1]}, ${px[o + 2]}`;
  const parts = [`x ${x}, y ${y}`, value];
  for (const { name, ids, classLabels } of masks) {
    const id = ids[y * image.width + x];
    parts.push(`${name}: ${classLabel(classLabels, id)} (${id})`);
  }
  return parts.join(" · ");
}
