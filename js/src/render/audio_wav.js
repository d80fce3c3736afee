// Fallback PCM WAV reader for the waveform only. The browser's decoder refuses clips it cannot
// resample (the reference logs audio at sample_rate=32); WAV written by filmstrip is plain PCM
// or float, so reading its samples directly still gives those clips a waveform.

/** @returns {{channels: Float32Array[], sampleRate: number}} */
export function readWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") throw new Error("not a RIFF/WAVE file");
  let format = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      let code = view.getUint16(body, true);
      if (code === 0xfffe && size >= 26) code = view.getUint16(body + 24, true); // extensible
      format = {
        code, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      if (!format) throw new Error("WAV data chunk before its fmt chunk");
      return { channels: samples(view, body, Math.min(size, bytes.length - body), format), sampleRate: format.sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error("WAV file without a data chunk");
}

function samples(view, start, length, { code, channels, bits }) {
  const width = bits / 8;
  const read = {
    "1:8": (at) => (view.getUint8(at) - 128) / 128,
    "1:16": (at) => view.getInt16(at, true) / 32768,
    "1:24": (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16))) / 8388608,
    "1:32": (at) => view.getInt32(at, true) / 2147483648,
    "3:32": (at) => view.getFloat32(at, true),
    "3:64": (at) => view.getFloat64(at, true),
  }[`${code}:${bits}`];
  if (!read) throw new Error(`unsupported WAV sample format ${code} with ${bits} bits`);
  const frames = Math.floor(length / (width * channels));
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) out[c][i] = read(start + (i * channels + c) * width);
  }
  return out;
}
