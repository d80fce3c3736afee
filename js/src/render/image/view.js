// One image on screen: the image and its masks composited into a canvas at natural size (CSS
// scaled to fit the panel, zoomed and panned with a transform), boxes on an overlay canvas in
// screen space, and the hover read-out. Zoom: wheel (with Ctrl/Cmd, or once the image has
// focus), keys + - 0, drag to pan, arrow keys to pan when zoomed.
import { h, listen } from "../../lib/dom.js";
import { compositeMasks } from "./composite.js";
import { decodeImagePayload } from "./decode.js";
import { drawBoxes, visibleBoxes } from "./boxes.js";
import { pixelReadout } from "./readout.js";
import { clampZoom, MIN_ZOOM } from "./state.js";

const DEFAULT_MAX_HEIGHT = 480;
const COMPACT_MAX_HEIGHT = 240;
const KEY_ZOOM_STEP = 1.5;
const KEY_PAN_PX = 40;
const HOVER_HINT = "Hover the image to read pixel values";

/**
 * @param {HTMLElement} parent
 * @param {{compact?: boolean, maxHeight?: number, onInteract: (patch: object) => void}} options
 */
export function mountImageView(parent, { compact = false, maxHeight, onInteract }) {
  const canvas = h("canvas", { class: "fs-image-canvas" });
  const overlay = h("canvas", { class: "fs-image-boxes", "aria-hidden": "true" });
  const viewport = h("div", {
    class: "fs-image-viewport", tabindex: "0", role: "img",
    // JupyterLab checks the focused element itself for this (see controls.js).
    "data-lm-suppress-shortcuts": "true",
  }, canvas, overlay);
  const readout = h("div", { class: "fs-image-readout fs-muted" });
  const problem = h("div", { class: "fs-error", role: "status", hidden: true });
  const root = h("div", { class: `fs-image-view${compact ? " fs-compact" : ""}`, "data-ready": "false" },
    problem, viewport);
  if (compact) viewport.append(readout);
  else root.append(readout);
  parent.append(root);

  const limitHeight = maxHeight || (compact ? COMPACT_MAX_HEIGHT : DEFAULT_MAX_HEIGHT);
  const ctx = canvas.getContext("2d");
  const overlayCtx = overlay.getContext("2d");
  let payload = null;
  let decoded = null;
  let composited = null;
  let state = null;
  let compositeKey = "";
  let generation = 0;
  let destroyed = false;
  let fit = 1; // CSS px per image px at zoom 1
  let zoom = 1;
  let pan = { x: 0, y: 0 };
  let viewSize = { width: 0, height: 0 };
  let drag = null;

  const scale = () => fit * zoom;
  const toScreen = (x, y) => [pan.x + x * scale(), pan.y + y * scale()];
  const setHint = () => {
    readout.textContent = compact ? "" : HOVER_HINT;
    readout.classList.add("fs-muted");
  };
  setHint();

  function layout() {
    if (!payload) return;
    const { width, height } = payload;
    const available = root.clientWidth || Math.min(width, 600);
    fit = Math.min(available / width, limitHeight / height);
    viewSize = { width: Math.max(1, Math.round(width * fit)), height: Math.max(1, Math.round(height * fit)) };
    viewport.style.width = `${viewSize.width}px`;
    viewport.style.height = `${viewSize.height}px`;
    const dpr = window.devicePixelRatio || 1;
    overlay.width = Math.round(viewSize.width * dpr);
    overlay.height = Math.round(viewSize.height * dpr);
    overlay.style.width = `${viewSize.width}px`;
    overlay.style.height = `${viewSize.height}px`;
    clampPan();
    paintTransform();
  }

  function clampPan() {
    if (!payload) return;
    const minX = Math.min(0, viewSize.width - payload.width * scale());
    const minY = Math.min(0, viewSize.height - payload.height * scale());
    pan = { x: Math.min(0, Math.max(minX, pan.x)), y: Math.min(0, Math.max(minY, pan.y)) };
  }

  function paintTransform() {
    const s = scale();
    canvas.style.transform = `translate(${pan.x}px, ${pan.y}px) scale(${s})`;
    // Crisp pixels once a pixel covers several screen pixels; smooth when shrinking photos.
    canvas.style.imageRendering = s >= 2 ? "pixelated" : "auto";
    viewport.classList.toggle("fs-zoomed", zoom > MIN_ZOOM);
    viewport.setAttribute("data-zoom", String(zoom));
    paintBoxes();
  }

  function paintBoxes() {
    const dpr = window.devicePixelRatio || 1;
    overlayCtx.clearRect(0, 0, overlay.width, overlay.height);
    if (payload && state) drawBoxes(overlayCtx, visibleBoxes(payload, state), toScreen, dpr);
  }

  function paintPixels() {
    if (!decoded || !state) return;
    compositeMasks(decoded.image, decoded.masks, state, composited);
    ctx.putImageData(composited, 0, 0);
  }

  function zoomAt(nextZoom, x, y, report = true) {
    nextZoom = clampZoom(nextZoom);
    if (!payload || nextZoom === zoom) return;
    // Keep the image point under (x, y) in place.
    const imageX = (x - pan.x) / scale();
    const imageY = (y - pan.y) / scale();
    zoom = nextZoom;
    pan = { x: x - imageX * scale(), y: y - imageY * scale() };
    clampPan();
    paintTransform();
    if (report) onInteract({ zoom });
  }
  const centre = () => [viewSize.width / 2, viewSize.height / 2];

  function showReadout(event) {
    if (!decoded || !payload) return;
    const rect = viewport.getBoundingClientRect();
    const x = Math.floor((event.clientX - rect.left - pan.x) / scale());
    const y = Math.floor((event.clientY - rect.top - pan.y) / scale());
    if (x < 0 || y < 0 || x >= decoded.image.width || y >= decoded.image.height) {
      setHint();
      return;
    }
    readout.textContent = pixelReadout(decoded, payload.mode, x, y);
    readout.classList.remove("fs-muted");
  }

  const removers = [
    listen(viewport, "wheel", (event) => {
      // Plain wheel scrolls the notebook; it zooms with Ctrl/Cmd or once the image has focus.
      if (!(event.ctrlKey || event.metaKey || document.activeElement === viewport)) return;
      event.preventDefault();
      const rect = viewport.getBoundingClientRect();
      zoomAt(zoom * Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false }),
    listen(viewport, "pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY, pan: { ...pan } };
      viewport.setPointerCapture(event.pointerId);
    }),
    listen(viewport, "pointermove", (event) => {
      if (drag && drag.id === event.pointerId && zoom > MIN_ZOOM) {
        pan = { x: drag.pan.x + event.clientX - drag.x, y: drag.pan.y + event.clientY - drag.y };
        clampPan();
        paintTransform();
      }
      showReadout(event);
    }),
    listen(viewport, "pointerup", () => { drag = null; }),
    listen(viewport, "pointercancel", () => { drag = null; }),
    listen(viewport, "pointerleave", () => { if (!drag) setHint(); }),
    listen(viewport, "keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const pans = { ArrowLeft: [KEY_PAN_PX, 0], ArrowRight: [-KEY_PAN_PX, 0], ArrowUp: [0, KEY_PAN_PX], ArrowDown: [0, -KEY_PAN_PX] };
      if (event.key === "+" || event.key === "=") zoomAt(zoom * KEY_ZOOM_STEP, ...centre());
      else if (event.key === "-" || event.key === "_") zoomAt(zoom / KEY_ZOOM_STEP, ...centre());
      else if (event.key === "0") zoomAt(MIN_ZOOM, ...centre());
      else if (pans[event.key] && zoom > MIN_ZOOM) {
        pan = { x: pan.x + pans[event.key][0], y: pan.y + pans[event.key][1] };
        clampPan();
        paintTransform();
      } else return;
      event.preventDefault();
    }),
  ];
  const resizeObserver = new ResizeObserver(() => layout());
  resizeObserver.observe(root);

  return {
    element: root,
    /** Decode and show a new payload; the previous image stays up until the new one is ready. */
    async setPayload(next) {
      const token = ++generation;
      root.setAttribute("data-ready", "false");
      let result;
      try {
        result = await decodeImagePayload(next);
      } catch (error) {
        if (token !== generation || destroyed) return;
        problem.textContent = `filmstrip could not show this image: ${error.message || error}`;
        problem.hidden = false;
        root.setAttribute("data-ready", "error");
        return;
      }
      if (token !== generation || destroyed) return;
      problem.hidden = true;
      payload = next;
      decoded = result;
      canvas.width = result.image.width;
      canvas.height = result.image.height;
      canvas.style.width = `${result.image.width}px`;
      canvas.style.height = `${result.image.height}px`;
      composited = new ImageData(result.image.width, result.image.height);
      viewport.setAttribute("aria-label", `image ${next.width}×${next.height}${next.caption ? `: ${next.caption}` : ""}`);
      compositeKey = "";
      layout();
      this.setState(state);
      root.setAttribute("data-ready", "true");
    },
    /** Apply view state: recomposite only when mask-related state changed. */
    setState(next) {
      if (!next) return;
      state = next;
      if (next.zoom !== zoom) zoomAt(next.zoom, ...centre(), false);
      const key = JSON.stringify([next.mask_opacity, next.hidden_layers, next.hidden_classes]);
      if (key !== compositeKey && decoded) {
        compositeKey = key;
        paintPixels();
      }
      paintBoxes();
    },
    destroy() {
      destroyed = true;
      generation++;
      for (const remove of removers) remove();
      resizeObserver.disconnect();
      root.remove();
    },
  };
}
