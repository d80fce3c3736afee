// Video renderer. mp4/webm/ogg play in a native <video controls>. GIFs are decoded frame by
// frame with WebCodecs' ImageDecoder into a canvas so the logged fps is honoured and
// play/pause/step work; without ImageDecoder the GIF is shown as an <img> (the browser animates
// it at the file's own frame delays) and the page says so.
//
// Payload (video v1): meta format ("gif"|"mp4"|"webm"|"ogg"), fps, width, height, num_frames,
// caption; buffers.video = file bytes. Options: playing (bool), compact (bool), onChange.
import { h, listen } from "../lib/dom.js";
import { toBytes, urlPool, mimeFor } from "../lib/buffers.js";

const CSS = `
.fs-video { display: flex; flex-direction: column; gap: 4px; max-width: 100%; }
.fs-video video, .fs-video canvas, .fs-video img { display: block; max-width: 100%; height: auto; background: #000; }
.fs-video canvas, .fs-video img { image-rendering: pixelated; }
.fs-video .fs-video-info { font-size: 12px; }
.fs-video .fs-controls input[type=range] { flex: 1 1 120px; min-width: 80px; }
/* play/pause says its state in its label; not the struck-through look of layer toggles */
.fs-video button.fs-play[aria-pressed] { opacity: 1; text-decoration: none; min-width: 5.5em; }
.fs-video .fs-frame-label { font-variant-numeric: tabular-nums; }
`;

function describe(p, frames) {
  const parts = [];
  if (p.width && p.height) parts.push(`${p.width}×${p.height}`);
  const n = frames ?? p.num_frames;
  if (n != null) parts.push(`${n} frame${n === 1 ? "" : "s"}`);
  if (p.fps) parts.push(`${Number(p.fps)} fps`);
  if (p.format) parts.push(String(p.format));
  return parts.join(" · ");
}

/** Native <video>: playback state reported on play/pause. */
function mountNative(body, payload, state) {
  const video = h("video", { controls: true, playsinline: true, preload: "auto", muted: true });
  video.muted = true; // arrays have no sound track; muted playback may start without a gesture
  if (payload.width) video.width = payload.width;
  video.src = state.urls.url(payload.buffers.video, mimeFor(payload.format, "video"));
  body.append(video);
  const report = () => state.report({ playing: !video.paused });
  state.cleanups.push(
    listen(video, "play", report),
    listen(video, "pause", report),
    listen(video, "error", () => {
      state.status(`This browser cannot play this ${payload.format} video.`);
    }),
    () => {
      video.pause();
      video.removeAttribute("src");
      video.load();
    },
  );
  return {
    element: video,
    apply(opts) {
      if (opts.playing === true && video.paused) {
        const started = video.play();
        if (started && started.catch) started.catch((err) => {
          if (state.destroyed) return;
          state.status(`Playback did not start: ${err.message || err.name}`);
          report();
        });
      } else if (opts.playing === false && !video.paused) {
        video.pause();
      }
    },
  };
}

/** GIF through ImageDecoder: canvas + play/pause, step and a frame slider. */
function mountGif(body, payload, state) {
  const canvas = h("canvas", { role: "img", "aria-label": payload.caption ? String(payload.caption) : "video frame" });
  if (payload.width && payload.height) {
    canvas.width = payload.width;
    canvas.height = payload.height;
  }
  const playButton = h("button", { type: "button", "aria-pressed": "false", class: "fs-play", text: "▶ Play" });
  const prevButton = h("button", { type: "button", "aria-label": "previous frame", text: "◀" });
  const nextButton = h("button", { type: "button", "aria-label": "next frame", text: "▶|" });
  const slider = h("input", { type: "range", min: "0", max: "0", step: "1", value: "0", "aria-label": "frame" });
  const frameLabel = h("span", { class: "fs-frame-label fs-muted" });
  const controls = h("div", { class: "fs-controls" }, playButton, prevButton, nextButton,
    h("label", {}, h("span", { text: "frame" }), slider), frameLabel);
  body.append(canvas);
  if (!state.compact) body.append(controls);

  const decoder = new ImageDecoder({ data: toBytes(payload.buffers.video).slice(), type: "image/gif" });
  let frameCount = 0;
  let index = 0;
  let playing = false;
  let timer = 0;
  let drawSerial = 0;
  let frameDurations = [];

  const fpsDelay = Number(payload.fps) > 0 ? 1000 / Number(payload.fps) : 0;
  const label = () => {
    frameLabel.textContent = frameCount ? `${index + 1} / ${frameCount}` : "";
    slider.value = String(index);
  };
  const draw = async (k) => {
    const serial = ++drawSerial;
    const result = await decoder.decode({ frameIndex: k });
    const frame = result.image;
    try {
      if (state.destroyed || serial !== drawSerial) return;
      if (canvas.width !== frame.displayWidth || canvas.height !== frame.displayHeight) {
        canvas.width = frame.displayWidth;
        canvas.height = frame.displayHeight;
      }
      canvas.getContext("2d").drawImage(frame, 0, 0);
      frameDurations[k] = frame.duration ? frame.duration / 1000 : 0;
      canvas.dataset.frame = String(k);
    } finally {
      frame.close();
    }
  };
  const show = (k) => {
    if (!frameCount) return Promise.resolve();
    index = ((k % frameCount) + frameCount) % frameCount;
    label();
    return draw(index).catch((err) => {
      if (!state.destroyed) state.status(`Cannot decode frame ${index + 1}: ${err.message || err.name}`);
    });
  };
  const tick = () => {
    // The logged fps wins; a GIF file passed through without fps uses its own frame delays.
    const delay = fpsDelay || frameDurations[index] || 100;
    timer = setTimeout(() => {
      timer = 0;
      if (!playing || state.destroyed) return;
      show(index + 1).then(() => playing && !state.destroyed && tick());
    }, delay);
  };
  const setPlaying = (value, fromUser) => {
    if (value === playing) return;
    playing = value;
    playButton.setAttribute("aria-pressed", String(playing));
    playButton.textContent = playing ? "❚❚ Pause" : "▶ Play";
    clearTimeout(timer);
    timer = 0;
    if (playing && frameCount) tick();
    if (fromUser) state.report({ playing });
  };
  const step = (delta) => {
    setPlaying(false, true);
    show(index + delta);
  };

  state.cleanups.push(
    listen(playButton, "click", () => setPlaying(!playing, true)),
    listen(prevButton, "click", () => step(-1)),
    listen(nextButton, "click", () => step(1)),
    listen(slider, "input", () => {
      setPlaying(false, true);
      show(Number(slider.value));
    }),
    () => {
      clearTimeout(timer);
      decoder.close();
    },
  );

  let wanted = false;
  // frameCount is final only once the tracks are known and all data is parsed.
  const ready = decoder.tracks.ready
    .then(() => decoder.completed)
    .then(() => {
      if (state.destroyed) return;
      frameCount = decoder.tracks.selectedTrack ? decoder.tracks.selectedTrack.frameCount : 1;
      slider.max = String(Math.max(0, frameCount - 1));
      state.info(describe(payload, frameCount));
      return show(0).then(() => {
        canvas.dataset.ready = "true";
        if (wanted) setPlaying(true, false);
      });
    })
    .catch((err) => {
      if (!state.destroyed) state.status(`Cannot decode this GIF: ${err.message || err.name}`);
    });

  return {
    element: canvas,
    ready,
    apply(opts) {
      wanted = opts.playing === true;
      if (frameCount) setPlaying(wanted, false);
    },
  };
}

/** GIF without WebCodecs: the browser animates an <img>; play/pause is not available. */
function mountGifImage(body, payload, state) {
  const img = h("img", { alt: payload.caption ? String(payload.caption) : "animated GIF" });
  img.src = state.urls.url(payload.buffers.video, "image/gif");
  body.append(img);
  state.status("This browser has no ImageDecoder: the GIF plays at its own frame delays, without play/pause.");
  return { element: img, apply() {} };
}

export function mount(el, payload, options = {}) {
  let opts = options || {};
  let view = null;
  let current = null;
  const root = h("div", { class: "fs-video" }, h("style", { text: CSS }));
  el.append(root);

  const build = (p) => {
    root.replaceChildren(root.firstChild);
    const body = h("div", { class: "fs-video-body" });
    const info = h("div", { class: "fs-video-info fs-muted" });
    const status = h("div", { class: "fs-video-status fs-muted", role: "status" });
    const caption = h("div", { class: "fs-caption" });
    caption.textContent = p.caption == null ? "" : String(p.caption);
    caption.hidden = p.caption == null;
    info.textContent = describe(p);
    root.append(body, ...(opts.compact ? [status] : [info, status, caption]));
    const state = {
      urls: urlPool(),
      cleanups: [],
      destroyed: false,
      compact: Boolean(opts.compact),
      report: (patch) => opts.onChange && opts.onChange(patch),
      status: (text) => { status.textContent = text; },
      info: (text) => { info.textContent = text; },
    };
    let renderer;
    if (p.format === "gif") {
      renderer = typeof ImageDecoder === "function" ? mountGif(body, p, state) : mountGifImage(body, p, state);
    } else {
      renderer = mountNative(body, p, state);
    }
    renderer.apply(opts);
    return {
      apply: (o) => renderer.apply(o),
      destroy() {
        state.destroyed = true;
        for (const off of state.cleanups) off();
        state.urls.revokeAll();
        body.remove();
      },
    };
  };

  current = payload;
  view = build(payload);
  return {
    update(p, o) {
      opts = o || {};
      if (p !== current) {
        view.destroy();
        current = p;
        view = build(p);
      } else {
        view.apply(opts);
      }
    },
    destroy() {
      view.destroy();
      root.remove();
    },
  };
}
