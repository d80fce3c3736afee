// Audio renderer: <audio controls> plus a waveform with a playhead; click or arrow keys on the
// waveform seek. Also renders an "audio_list" payload (several clips of one step) as a stack.
//
// Payload (audio v1): meta format ("wav"|"mp3"|"ogg"|"flac"), sample_rate, channels,
// num_samples, duration (may be null for files), caption; buffers.audio = file bytes.
// Payload (audio_list v1): meta items = [audio v1 metas nested with base.nest(child, "i<k>/")];
// buffers hold every clip's buffers under its prefix.
// Options: playing (bool), current_time (float s), compact (bool: player only, no waveform),
// onChange. Playback state is reported on play/pause/seek, never per frame.
import { h, listen } from "../lib/dom.js";
import { toBytes, urlPool, mimeFor } from "../lib/buffers.js";
import { childPayload } from "../lib/nested.js";
import { readWav } from "./audio_wav.js";

const WAVE_HEIGHT = 64;
const WAVE_COLOR = "#2f6fba";
const SILENT_COLOR = "#9bb7d8";
const BACKGROUND = "#f6f8fa";
const PLAYHEAD_COLOR = "#d1242f";
// The Web Audio API decodes at 3 kHz..768 kHz; clips logged at other rates are resampled for
// the waveform only (the <audio> element plays the original bytes).
const MIN_DECODE_RATE = 3000;
const MAX_DECODE_RATE = 768000;

const CSS = `
.fs-audio { display: flex; flex-direction: column; gap: 4px; max-width: 100%; }
.fs-audio audio { width: 100%; min-width: 180px; height: 36px; }
.fs-audio .fs-wave { position: relative; height: ${WAVE_HEIGHT}px; border-radius: 4px; overflow: hidden; cursor: pointer; background: ${BACKGROUND}; }
.fs-audio .fs-wave canvas { display: block; width: 100%; height: 100%; }
.fs-audio .fs-playhead { position: absolute; top: 0; bottom: 0; width: 2px; margin-left: -1px; background: ${PLAYHEAD_COLOR}; pointer-events: none; }
.fs-audio .fs-audio-info { font-size: 12px; }
.fs-audio-list { display: flex; flex-direction: column; gap: 12px; }
`;

function describe(p) {
  const parts = [];
  if (p.duration != null) parts.push(`${Number(p.duration).toFixed(2)} s`);
  if (p.sample_rate != null) parts.push(`${p.sample_rate} Hz`);
  if (p.channels != null) parts.push(p.channels === 1 ? "mono" : `${p.channels} channels`);
  if (p.format) parts.push(String(p.format));
  return parts.join(" · ");
}

/** min/max per pixel column over all channels: [min0, max0, min1, max1, ...]. */
function columnExtents(channels, columns) {
  const extents = new Float32Array(columns * 2);
  const length = channels[0].length;
  for (let col = 0; col < columns; col++) {
    const start = Math.floor((col * length) / columns);
    // Inclusive of the next column's first sample, so short clips (fewer samples than
    // pixels) draw a connected line rather than isolated dots.
    const end = Math.max(start + 1, Math.floor(((col + 1) * length) / columns)) + 1;
    let lo = Infinity;
    let hi = -Infinity;
    for (const data of channels) {
      for (let i = start; i < end && i < length; i++) {
        const v = data[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    extents[col * 2] = lo === Infinity ? 0 : lo;
    extents[col * 2 + 1] = hi === -Infinity ? 0 : hi;
  }
  return extents;
}

function drawWave(canvas, channels) {
  const width = Math.max(1, Math.round(canvas.clientWidth * (window.devicePixelRatio || 1)));
  const height = Math.max(1, Math.round(WAVE_HEIGHT * (window.devicePixelRatio || 1)));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, width, height);
  const mid = height / 2;
  // A hairline at zero so silence reads as "silent", not "missing".
  ctx.fillStyle = SILENT_COLOR;
  ctx.fillRect(0, Math.floor(mid), width, 1);
  if (!channels || !channels.length || !channels[0].length) return;
  const extents = columnExtents(channels, width);
  let peak = 0;
  for (const v of extents) peak = Math.max(peak, Math.abs(v));
  // Quiet clips are drawn at their true scale relative to full range (1.0), loud ones clipped.
  const scale = (height / 2 - 1) / Math.max(1, peak);
  ctx.fillStyle = WAVE_COLOR;
  for (let col = 0; col < width; col++) {
    const top = Math.floor(mid - extents[col * 2 + 1] * scale);
    const bottom = Math.max(top + 1, Math.ceil(mid - extents[col * 2] * scale));
    ctx.fillRect(col, top, 1, bottom - top);
  }
}

async function decodeChannels(bytes, sampleRate, format) {
  const rate = Math.min(MAX_DECODE_RATE, Math.max(MIN_DECODE_RATE, Number(sampleRate) || 44100));
  const context = new OfflineAudioContext(1, 1, rate);
  try {
    // decodeAudioData detaches the buffer it gets: hand it a copy.
    const buffer = await context.decodeAudioData(bytes.slice().buffer);
    const channels = [];
    for (let c = 0; c < buffer.numberOfChannels; c++) channels.push(buffer.getChannelData(c));
    return channels;
  } catch (err) {
    if (format !== "wav") throw err;
    return readWav(bytes).channels; // e.g. sample rates the browser will not resample
  }
}

/** One clip: player, waveform, caption. */
function mountClip(el, payload, options) {
  const urls = urlPool();
  const cleanups = [];
  let destroyed = false;
  let frame = 0;
  let channels = null;
  let opts = options || {};

  const audio = h("audio", { controls: true, preload: "metadata" });
  const canvas = h("canvas", { "aria-hidden": "true" });
  const playhead = h("div", { class: "fs-playhead", style: { left: "0%" } });
  const wave = h("div", {
    class: "fs-wave", tabindex: "0", role: "slider", "aria-label": "seek in the waveform",
    "aria-valuemin": "0", "aria-valuenow": "0",
  }, canvas, playhead);
  const info = h("div", { class: "fs-audio-info fs-muted" });
  const playStatus = h("div", { class: "fs-muted" });
  const waveStatus = h("div", { class: "fs-muted" });
  const status = h("div", { class: "fs-audio-status", role: "status" }, playStatus, waveStatus);
  const caption = h("div", { class: "fs-caption" });
  const root = h("div", { class: "fs-audio" }, h("style", { text: CSS }));
  root.append(...(opts.compact ? [audio, status] : [audio, wave, info, status, caption]));
  el.append(root);

  const duration = () => (Number.isFinite(audio.duration) ? audio.duration : Number(payload.duration) || 0);
  const placePlayhead = () => {
    const d = duration();
    const fraction = d > 0 ? Math.min(1, audio.currentTime / d) : 0;
    playhead.style.left = `${fraction * 100}%`;
    wave.setAttribute("aria-valuenow", audio.currentTime.toFixed(2));
    wave.setAttribute("aria-valuetext", `${audio.currentTime.toFixed(2)} s of ${d.toFixed(2)} s`);
  };
  const follow = () => {
    placePlayhead();
    frame = audio.paused ? 0 : requestAnimationFrame(follow);
  };
  const report = () => {
    if (opts.onChange) opts.onChange({ playing: !audio.paused, current_time: audio.currentTime });
  };
  const seek = (seconds) => {
    const d = duration();
    audio.currentTime = Math.max(0, d ? Math.min(d, seconds) : seconds);
    placePlayhead();
    if (audio.paused) report(); // now, not on "seeked": Python sees the seek without a race
  };

  cleanups.push(
    listen(audio, "play", () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(follow);
      report();
      root.dispatchEvent(new CustomEvent("fs-audio-play", { bubbles: true }));
    }),
    listen(audio, "pause", () => {
      placePlayhead();
      report();
    }),
    listen(audio, "seeked", () => {
      placePlayhead();
      if (audio.paused) report();
    }),
    listen(audio, "loadedmetadata", () => {
      wave.setAttribute("aria-valuemax", duration().toFixed(2));
      applyOptions();
      placePlayhead();
    }),
    listen(audio, "error", () => {
      playStatus.textContent = `This browser cannot play this ${payload.format || ""} clip` +
        (payload.sample_rate ? ` (${payload.sample_rate} Hz)` : "") + ".";
    }),
    listen(wave, "click", (event) => {
      const rect = wave.getBoundingClientRect();
      seek(((event.clientX - rect.left) / rect.width) * duration());
    }),
    listen(wave, "keydown", (event) => {
      const d = duration();
      const step = { ArrowLeft: -1, ArrowRight: 1, PageDown: -5, PageUp: 5 }[event.key];
      if (step !== undefined) seek(audio.currentTime + step * Math.max(0.1, d / 20));
      else if (event.key === "Home") seek(0);
      else if (event.key === "End") seek(d);
      else if (event.key === " " || event.key === "Enter") audio.paused ? play() : audio.pause();
      else return;
      event.preventDefault();
    }),
  );

  const play = () => {
    const started = audio.play();
    if (started && started.catch) {
      started.catch((err) => {
        if (destroyed) return;
        playStatus.textContent = `Playback did not start: ${err.message || err.name}`;
        report();
      });
    }
  };

  const applyOptions = () => {
    if (audio.readyState < 1) return; // applied again on loadedmetadata
    const wanted = Number(opts.current_time);
    if (Number.isFinite(wanted) && Math.abs(wanted - audio.currentTime) > 0.25) seek(wanted);
    if (opts.playing === true && audio.paused) play();
    else if (opts.playing === false && !audio.paused) audio.pause();
  };

  const bytes = toBytes(payload.buffers.audio);
  audio.src = urls.url(bytes, mimeFor(payload.format, "audio"));
  info.textContent = describe(payload);
  caption.textContent = payload.caption == null ? "" : String(payload.caption);
  if (payload.caption == null) caption.hidden = true;

  if (!opts.compact) {
    drawWave(canvas, null);
    decodeChannels(bytes, payload.sample_rate, payload.format).then(
      (decoded) => {
        if (destroyed) return;
        channels = decoded;
        drawWave(canvas, channels);
        canvas.dataset.decoded = "true";
      },
      (err) => {
        if (destroyed) return;
        waveStatus.textContent = `No waveform: the browser could not decode this clip (${err.message || err.name}).`;
        canvas.dataset.decoded = "failed";
      },
    );
    const resize = new ResizeObserver(() => {
      if (channels || canvas.width !== canvas.clientWidth) drawWave(canvas, channels);
    });
    resize.observe(wave);
    cleanups.push(() => resize.disconnect());
  }

  return {
    root,
    audio,
    update(_payload, options) {
      opts = options || {};
      applyOptions();
    },
    pause() {
      if (!audio.paused) audio.pause();
    },
    destroy() {
      destroyed = true;
      cancelAnimationFrame(frame);
      for (const off of cleanups) off();
      audio.pause();
      audio.removeAttribute("src");
      audio.load();
      urls.revokeAll();
      root.remove();
    },
  };
}

/** Several clips of one step, one under the other; starting one pauses the others. */
function mountList(el, payload, options) {
  const root = h("div", { class: "fs-audio-list" });
  el.append(root);
  const items = payload.items || [];
  const clips = items.map((meta, k) => {
    const slot = h("div", { class: "fs-audio-item", "data-index": String(k) });
    root.append(slot);
    // List items share no view state: each clip plays on its own.
    return mountClip(slot, childPayload(meta, payload.buffers), { compact: options && options.compact });
  });
  const offPlay = listen(root, "fs-audio-play", (event) => {
    for (const clip of clips) if (!clip.root.contains(event.target)) clip.pause();
  });
  if (!items.length) root.append(h("div", { class: "fs-muted", text: "No audio clips." }));
  return {
    update() {},
    destroy() {
      offPlay();
      for (const clip of clips) clip.destroy();
      root.remove();
    },
  };
}

export function mount(el, payload, options = {}) {
  const build = (p, o) => (p && p.type === "audio_list" ? mountList(el, p, o) : mountClip(el, p, o));
  let current = payload;
  let view = build(payload, options);
  return {
    update(p, o) {
      // A new clip rebuilds the view; option-only updates (playing, current_time) are cheap.
      if (p !== current) {
        view.destroy();
        current = p;
        view = build(p, o);
      } else {
        current = p;
        view.update(p, o);
      }
    },
    destroy() {
      view.destroy();
    },
  };
}
