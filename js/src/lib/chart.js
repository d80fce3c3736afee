// Shared pieces of the 2D charts (histogram, histogram heatmap, scalar lines): scales, "nice"
// tick positions, number formatting, the viridis colormap, HiDPI canvas sizing, axes drawing,
// a text-only tooltip and a width observer. No chart state lives here.
import { h, listen } from "./dom.js";

export const AXIS_COLOR = "#57606a";
export const GRID_COLOR = "#e6e8eb";
export const FONT = '11px system-ui, -apple-system, "DejaVu Sans", sans-serif';

// ---------------------------------------------------------------------------------- scales

/** Linear map [d0, d1] -> [r0, r1] with `invert`. */
export function linearScale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  const k = (r1 - r0) / span;
  const scale = (v) => r0 + (v - d0) * k;
  scale.invert = (r) => d0 + (r - r0) / k;
  scale.domain = [d0, d1];
  scale.log = false;
  return scale;
}

/** Base-10 log map [d0, d1] (both > 0) -> [r0, r1]; non-positive values map to NaN. */
export function logScale(d0, d1, r0, r1) {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const k = (r1 - r0) / (l1 - l0 || 1);
  const scale = (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN);
  scale.invert = (r) => 10 ** (l0 + (r - r0) / k);
  scale.domain = [d0, d1];
  scale.log = true;
  return scale;
}

// ----------------------------------------------------------------------------------- ticks

function niceStep(span, maxTicks) {
  const raw = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * About `maxTicks` round tick values covering [lo, hi]; with `extend` the returned domain is
 * widened to the outer ticks (for a y axis that should end on a labelled value).
 * @returns {{ticks: number[], lo: number, hi: number}}
 */
export function niceTicks(lo, hi, maxTicks = 6, { extend = false, integer = false } = {}) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { ticks: [], lo: 0, hi: 1 };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  let step = niceStep(hi - lo, maxTicks);
  if (integer) step = Math.max(1, Math.round(step));
  if (extend) {
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const ticks = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last && ticks.length < 100; i++) ticks.push(cleanFloat(i * step));
  return { ticks, lo, hi };
}

/** Powers of ten in [lo, hi] (lo > 0), with 2x and 5x in between when there are few decades. */
export function logTicks(lo, hi, maxTicks = 6) {
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const decades = e1 - e0;
  const every = Math.max(1, Math.ceil(decades / maxTicks));
  const mantissas = decades <= 2 ? [1, 2, 5] : [1];
  const ticks = [];
  for (let e = e0; e <= e1; e += every) {
    for (const m of mantissas) {
      const v = cleanFloat(m * 10 ** e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

function cleanFloat(v) {
  return Number.parseFloat(v.toPrecision(12));
}

/** Short, readable number: 1234 -> "1,234", 1.5e6 -> "1.5M", 0.000012 -> "1.2e-5". */
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+inf";
  if (value === -Infinity) return "-inf";
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs >= 1e15 || abs < 1e-4) return trimExp(value.toExponential(Math.max(0, digits - 2)));
  if (abs >= 1e6) {
    const [unit, div] = abs >= 1e12 ? ["T", 1e12] : abs >= 1e9 ? ["B", 1e9] : ["M", 1e6];
    return `${trim(Number.parseFloat((value / div).toPrecision(digits)).toString())}${unit}`;
  }
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return trim(Number.parseFloat(value.toPrecision(digits)).toString());
}

function trim(text) {
  return text.includes(".") && !text.includes("e") ? text.replace(/\.?0+$/, "") : text;
}

function trimExp(text) {
  return text.replace(/\.?0+e/, "e").replace("e+", "e");
}

// -------------------------------------------------------------------------------- colormap

// matplotlib's viridis sampled at 33 evenly spaced points (perceptually uniform, colour-blind
// safe); interpolated linearly in between.
const VIRIDIS_HEX =
  "440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e" +
  "23898e21918c1f988b1fa08822a78528ae8032b67a3fbc734ec36b5ec96270cf5784d44b98d83eaddc30c2df23" +
  "d8e219ece51bfde725";
const VIRIDIS = Array.from({ length: VIRIDIS_HEX.length / 6 }, (_, i) => [
  Number.parseInt(VIRIDIS_HEX.slice(i * 6, i * 6 + 2), 16),
  Number.parseInt(VIRIDIS_HEX.slice(i * 6 + 2, i * 6 + 4), 16),
  Number.parseInt(VIRIDIS_HEX.slice(i * 6 + 4, i * 6 + 6), 16),
]);

/** Viridis colour [r, g, b] for t in [0, 1] (0 dark purple, 1 yellow). */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

// ---------------------------------------------------------------------------------- canvas

/** Size a canvas to cssWidth x cssHeight CSS pixels at the device pixel ratio; returns its 2D context. */
export function sizeCanvas(canvas, cssWidth, cssHeight) {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(cssWidth * ratio));
  const height = Math.max(1, Math.round(cssHeight * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  return ctx;
}

/**
 * Gridlines, tick labels and the axis lines of a plot rectangle.
 * @param {CanvasRenderingContext2D} ctx
 * @param {{left: number, top: number, width: number, height: number}} plot
 * @param {{x: Function, y: Function, xTicks: number[], yTicks: number[], xFormat?: Function, yFormat?: Function, grid?: boolean}} axes
 */
export function drawAxes(ctx, plot, axes) {
  const { x, y, xTicks, yTicks } = axes;
  const xFormat = axes.xFormat || formatNumber;
  const yFormat = axes.yFormat || formatNumber;
  const right = plot.left + plot.width;
  const bottom = plot.top + plot.height;
  ctx.save();
  ctx.font = FONT;
  ctx.lineWidth = 1;
  if (axes.grid !== false) {
    ctx.strokeStyle = GRID_COLOR;
    ctx.beginPath();
    for (const tick of yTicks) {
      const py = Math.round(y(tick)) + 0.5;
      if (py < plot.top - 0.5 || py > bottom + 0.5) continue;
      ctx.moveTo(plot.left, py);
      ctx.lineTo(right, py);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = AXIS_COLOR;
  ctx.fillStyle = AXIS_COLOR;
  ctx.beginPath();
  ctx.moveTo(plot.left - 0.5, plot.top);
  ctx.lineTo(plot.left - 0.5, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  ctx.stroke();
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const tick of yTicks) {
    const py = y(tick);
    if (!(py >= plot.top - 0.5 && py <= bottom + 0.5)) continue;
    ctx.fillText(yFormat(tick), plot.left - 6, py);
    ctx.beginPath();
    ctx.moveTo(plot.left - 4, Math.round(py) + 0.5);
    ctx.lineTo(plot.left, Math.round(py) + 0.5);
    ctx.stroke();
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  let lastLabelEnd = -Infinity;
  for (const tick of xTicks) {
    const px = x(tick);
    if (!(px >= plot.left - 0.5 && px <= right + 0.5)) continue;
    const label = xFormat(tick);
    const half = ctx.measureText(label).width / 2;
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, bottom);
    ctx.lineTo(Math.round(px) + 0.5, bottom + 4);
    ctx.stroke();
    // Skip a label that would overlap the previous one rather than draw them on top of each other.
    if (px - half < lastLabelEnd + 4) continue;
    ctx.fillText(label, px, bottom + 6);
    lastLabelEnd = px + half;
  }
  ctx.restore();
}

/** Width in CSS pixels the y tick labels need, plus room for the tick marks. */
export function yLabelWidth(ctx, labels) {
  ctx.save();
  ctx.font = FONT;
  let widest = 0;
  for (const label of labels) widest = Math.max(widest, ctx.measureText(label).width);
  ctx.restore();
  return Math.ceil(widest) + 12;
}

// --------------------------------------------------------------------------------- tooltip

/** A tooltip positioned inside `container` (which must be position: relative); text only. */
export function tooltip(container) {
  const el = h("div", { class: "fs-tooltip", role: "tooltip", hidden: true });
  container.append(el);
  return {
    el,
    show(text, x, y) {
      el.textContent = text;
      el.hidden = false;
      const maxX = container.clientWidth - el.offsetWidth - 4;
      el.style.left = `${Math.max(0, Math.min(x + 12, maxX))}px`;
      el.style.top = `${Math.max(0, y - el.offsetHeight - 8)}px`;
    },
    hide() {
      el.hidden = true;
    },
    destroy() {
      el.remove();
    },
  };
}

/** Pointer position relative to an element's top-left corner, in CSS pixels. */
export function pointerIn(element, event) {
  const rect = element.getBoundingClientRect();
  return { x: event.clientX - rect.left, y: event.clientY - rect.top };
}

// ------------------------------------------------------------------------------ resizing

/**
 * Call `onWidth(width)` now and whenever the element's content width changes.
 * @returns {() => void} disconnect
 */
export function observeWidth(element, onWidth) {
  let last = -1;
  const fire = () => {
    const width = Math.floor(element.clientWidth);
    if (width > 0 && width !== last) {
      last = width;
      onWidth(width);
    }
  };
  if (typeof ResizeObserver === "undefined") {
    const remove = listen(window, "resize", fire);
    return remove;
  }
  const observer = new ResizeObserver(fire);
  observer.observe(element);
  return () => observer.disconnect();
}

/** A labelled checkbox bound to a boolean view-state value. */
export function checkbox(label, checked, onToggle) {
  const input = h("input", { type: "checkbox" });
  input.checked = Boolean(checked);
  const remove = listen(input, "change", () => onToggle(input.checked));
  const wrapper = h("label", {}, input, label);
  return { el: wrapper, input, remove };
}

/** Shared CSS for the charts (fs-chart prefix), added once per root by each chart. */
export const CHART_CSS = `
.fs-root .fs-chart { position: relative; width: 100%; min-width: 200px; }
.fs-root .fs-chart canvas { display: block; }
.fs-root .fs-chart-layers { position: relative; }
.fs-root .fs-chart-layers canvas + canvas { position: absolute; left: 0; top: 0; pointer-events: none; }
.fs-root .fs-chart-title { font-weight: 600; margin: 0 0 4px; overflow-wrap: anywhere; }
.fs-root .fs-chart-note { margin: 4px 0 0; color: #6e7781; }
.fs-root .fs-chart-legend { display: flex; flex-wrap: wrap; gap: 4px 10px; margin: 4px 0; }
.fs-root .fs-chart-legend button { display: inline-flex; gap: 5px; align-items: center; }
.fs-root .fs-chart-legend button[aria-pressed="false"] .fs-swatch { background: transparent !important; }
.fs-root .fs-colorbar { display: inline-flex; gap: 6px; align-items: center; color: #6e7781; }
.fs-root .fs-colorbar canvas { border: 1px solid rgba(0,0,0,.15); }
`;

/** A <style> element with the chart CSS, to put inside a chart's own container (removed with it). */
export function chartStyle() {
  const style = h("style", { "data-fs-chart": "" });
  style.textContent = CHART_CSS;
  return style;
}

/**
 * The DOM every chart shares: a container (own CSS, position: relative), an optional title,
 * a main canvas with a transparent overlay canvas on top (hover marks are drawn there so the
 * chart itself is not redrawn on every pointer move), a tooltip, a controls row and a note line.
 * `onWidth(width)` is called now and on every resize. All of it is removed by destroy().
 */
export function chartFrame(el, { className, label, onWidth }) {
  const title = h("div", { class: "fs-chart-title", hidden: true });
  const canvas = h("canvas", { role: "img", "aria-label": label, tabindex: "0" });
  const overlay = h("canvas", { "aria-hidden": "true" });
  const layers = h("div", { class: "fs-chart-layers" }, canvas, overlay);
  const controls = h("div", { class: "fs-controls" });
  const note = h("p", { class: "fs-chart-note", hidden: true });
  const container = h("div", { class: `fs-chart ${className}` }, chartStyle(), title, layers, controls, note);
  el.append(container);
  const tip = tooltip(layers);
  const stopObserving = observeWidth(container, onWidth);
  return {
    container, title, canvas, overlay, layers, controls, note, tip,
    setTitle(text) {
      title.textContent = text || "";
      title.hidden = !text;
    },
    setNote(text) {
      note.textContent = text || "";
      note.hidden = !text;
    },
    width() {
      return Math.max(200, Math.floor(container.clientWidth) || 600);
    },
    destroy() {
      stopObserving();
      tip.destroy();
      container.remove();
    },
  };
}
