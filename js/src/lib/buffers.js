// Binary helpers: buffers arrive as DataView (Jupyter comm), Uint8Array or ArrayBuffer (export host).

/** @param {DataView|ArrayBuffer|Uint8Array|ArrayBufferView} data */
export function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`expected binary data, got ${Object.prototype.toString.call(data)}`);
}

/** Typed array view over a little-endian buffer, copying only when misaligned. */
export function toTyped(data, Type) {
  const bytes = toBytes(data);
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0) {
    return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
  }
  return new Type(bytes.slice().buffer);
}

/**
 * Object URLs for buffers, all released by one `revokeAll()` (call it in destroy()).
 */
export function urlPool() {
  const urls = new Set();
  return {
    url(data, mime) {
      const url = URL.createObjectURL(new Blob([toBytes(data)], { type: mime }));
      urls.add(url);
      return url;
    },
    revoke(url) {
      if (urls.delete(url)) URL.revokeObjectURL(url);
    },
    revokeAll() {
      for (const url of urls) URL.revokeObjectURL(url);
      urls.clear();
    },
  };
}

const MIME = {
  png: "image/png", jpeg: "image/jpeg", jpg: "image/jpeg", gif: "image/gif", webp: "image/webp",
  bmp: "image/bmp", wav: "audio/wav", mp3: "audio/mpeg", ogg: "audio/ogg", flac: "audio/flac",
  mp4: "video/mp4", webm: "video/webm",
};

/** MIME type for a payload's `format` field; `kind` disambiguates ogg (audio or video). */
export function mimeFor(format, kind) {
  if (format === "ogg") return `${kind}/ogg`;
  return MIME[format] || "application/octet-stream";
}

/** Decode an encoded image (png, jpeg, ...) into an ImageBitmap. */
export async function decodeImage(data, format) {
  const blob = new Blob([toBytes(data)], { type: mimeFor(format, "image") });
  return createImageBitmap(blob, { premultiplyAlpha: "none", colorSpaceConversion: "none" });
}
