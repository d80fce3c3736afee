// Decode an image payload's buffers into pixels: the image as RGBA ImageData and each mask
// layer as a Uint16Array of class ids (encoding "L": id = R; "RGB16": id = R * 256 + G).
import { decodeImage } from "../../lib/buffers.js";

async function decodeToImageData(data, format) {
  const bitmap = await decodeImage(data, format);
  try {
    const canvas = document.createElement("canvas");
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

function maskIds(pixels, encoding, layerName) {
  const rgba = pixels.data;
  const ids = new Uint16Array(pixels.width * pixels.height);
  if (encoding === "L") {
    for (let i = 0, o = 0; i < ids.length; i++, o += 4) ids[i] = rgba[o];
  } else if (encoding === "RGB16") {
    for (let i = 0, o = 0; i < ids.length; i++, o += 4) ids[i] = (rgba[o] << 8) | rgba[o + 1];
  } else {
    throw new Error(`mask layer "${layerName}": unknown encoding "${encoding}" (known: L, RGB16)`);
  }
  return ids;
}

/**
 * @returns {Promise<{image: ImageData, masks: {name: string, ids: Uint16Array, classLabels: object,
 *           classes: number[] | null}[]}>} (`classes`: the ids present, from the payload)
 */
export async function decodeImagePayload(payload) {
  const buffers = payload.buffers || {};
  if (!buffers.image) throw new Error("image payload has no \"image\" buffer");
  const image = await decodeToImageData(buffers.image, payload.format || "png");
  const masks = [];
  for (const [name, mask] of Object.entries(payload.masks || {})) {
    const data = buffers[mask.buffer];
    if (!data) throw new Error(`mask layer "${name}": buffer "${mask.buffer}" is missing`);
    const pixels = await decodeToImageData(data, "png");
    if (pixels.width !== image.width || pixels.height !== image.height) {
      throw new Error(
        `mask layer "${name}" is ${pixels.width}x${pixels.height}, the image is ${image.width}x${image.height}`,
      );
    }
    masks.push({
      name, ids: maskIds(pixels, mask.encoding, name), classLabels: mask.class_labels || {},
      classes: Array.isArray(mask.classes) ? mask.classes : null,
    });
  }
  return { image, masks };
}
