// Renderer for a "histogram_series" v1 payload (schema: src/filmstrip/widgets/histogram.py):
// histograms over steps as a heatmap — step on x, value on y, count as viridis colour.
// Steps may have different bin edges: each step's counts are resampled onto one value grid
// spanning every step's range (a bin's count is spread over the grid cells it overlaps).
// View state: log_scale (colour by log(1 + count)). Hover or arrow keys -> step, value range, count.
// Option current_step (from the run browser) draws a vertical marker at that step on the overlay;
// changing only it repaints the overlay, not the heatmap.
import { h, listen } from "../lib/dom.js";
import {
  chartFrame, checkbox, drawAxes, formatNumber, linearScale, niceTicks, pointerIn, sizeCanvas,
  viridis, yLabelWidth,
} from "../lib/chart.js";
import { binIndex, excludedText, histogramProblem } from "./histogram.js";
import * as message from "./message.js";
import { currentStepOption, drawStepMarker } from "./step_marker.js";

const HEIGHT = 240;
const MARGIN = { top: 8, right: 14, bottom: 24 };
const MIN_ROWS = 64;
const MAX_ROWS = 256;

function seriesProblem(payload) {
  const { steps, histograms } = payload || {};
  if (!Array.isArray(steps) || !Array.isArray(histograms)) return "payload has no steps/histograms lists";
  if (steps.length !== histograms.length) {
    return `${steps.length} steps but ${histograms.length} histograms`;
  }
  if (steps.length === 0) return "it holds no steps yet";
  for (let i = 0; i < histograms.length; i++) {
    const problem = histogramProblem(histograms[i]);
    if (problem) return `step ${steps[i]}: ${problem}`;
  }
  return null;
}

/**
 * Resample every step's histogram onto one grid of `rows` equal cells over [lo, hi].
 * @returns {{lo: number, hi: number, rows: number, cell: number, counts: Float64Array, max: number}}
 *   counts[step * rows + row], row 0 at `lo`.
 */
export function resampleSeries(histograms) {
  let lo = Infinity;
  let hi = -Infinity;
  let widest = 1;
  for (const hist of histograms) {
    lo = Math.min(lo, hist.bins[0]);
    hi = Math.max(hi, hist.bins[hist.bins.length - 1]);
    widest = Math.max(widest, hist.counts.length);
  }
  if (!(hi > lo)) hi = lo + 1;
  const rows = Math.min(MAX_ROWS, Math.max(MIN_ROWS, widest));
  const cell = (hi - lo) / rows;
  const counts = new Float64Array(histograms.length * rows);
  let max = 0;
  histograms.forEach((hist, step) => {
    const base = step * rows;
    for (let i = 0; i < hist.counts.length; i++) {
      const count = hist.counts[i];
      if (!(count > 0)) continue;
      const from = (hist.bins[i] - lo) / cell;
      const to = (hist.bins[i + 1] - lo) / cell;
      const last = Math.min(rows - 1, Math.ceil(to) - 1);
      for (let k = Math.max(0, Math.floor(from)); k <= last; k++) {
        const overlap = Math.min(to, k + 1) - Math.max(from, k);
        if (overlap > 0) counts[base + k] += (count * overlap) / (to - from);
      }
    }
    for (let k = 0; k < rows; k++) max = Math.max(max, counts[base + k]);
  });
  return { lo, hi, rows, cell, counts, max };
}

/** Column boundaries in step units: each step spans half way to its neighbours. */
function stepBounds(steps) {
  const n = steps.length;
  const bounds = new Float64Array(n + 1);
  for (let i = 1; i < n; i++) bounds[i] = (steps[i - 1] + steps[i]) / 2;
  const firstHalf = n > 1 ? (steps[1] - steps[0]) / 2 : 0.5;
  const lastHalf = n > 1 ? (steps[n - 1] - steps[n - 2]) / 2 : 0.5;
  bounds[0] = steps[0] - firstHalf;
  bounds[n] = steps[n - 1] + lastHalf;
  return bounds;
}

/** "2 NaN, 1 -inf excluded (step 4)" summed over the steps that had any. */
function seriesExcludedText(steps, histograms) {
  const totals = { nan_count: 0, posinf_count: 0, neginf_count: 0 };
  const where = [];
  histograms.forEach((hist, i) => {
    let any = false;
    for (const key of Object.keys(totals)) {
      if (hist[key] > 0) {
        totals[key] += hist[key];
        any = true;
      }
    }
    if (any) where.push(steps[i]);
  });
  if (!where.length) return "";
  const place = where.length === 1 ? `step ${where[0]}`
    : where.length <= 5 ? `steps ${where.join(", ")}` : `in ${where.length} steps`;
  return `${excludedText(totals)} (${place})`;
}

export function mount(el, payload, options = {}) {
  const problem = seriesProblem(payload);
  if (problem) return message.mount(el, payload, { message: `filmstrip cannot draw this histogram series: ${problem}` });

  let current = payload;
  let grid = resampleSeries(current.histograms);
  let bounds = stepBounds(current.steps);
  let logScaleOn = Boolean(options.log_scale);
  let onChange = options.onChange;
  let active = null; // {step: index, row} under the pointer or the keyboard cursor
  let markedStep = currentStepOption(options); // the browser's current step (marker)
  let geometry = null;

  const frame = chartFrame(el, { className: "fs-histogram-series", label: "histograms over steps", onWidth: () => draw() });
  const toggle = checkbox("log scale", logScaleOn, (checked) => {
    logScaleOn = checked;
    draw();
    if (onChange) onChange({ log_scale: checked });
  });
  const colorbar = h("canvas", { width: 96, height: 10, "aria-hidden": "true" });
  const colorbarMax = h("span");
  const colorbarLabel = h("span");
  frame.controls.append(
    toggle.el,
    h("span", { class: "fs-colorbar" }, colorbarLabel, "0", colorbar, colorbarMax),
  );

  function colorOf(count) {
    if (!(count > 0) || !(grid.max > 0)) return null;
    const t = logScaleOn ? Math.log1p(count) / Math.log1p(grid.max) : count / grid.max;
    return viridis(t);
  }

  function draw() {
    const width = frame.width();
    const ctx = sizeCanvas(frame.canvas, width, HEIGHT);
    sizeCanvas(frame.overlay, width, HEIGHT);
    const steps = current.steps;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const yNice = niceTicks(grid.lo, grid.hi, 5);
    const left = yLabelWidth(ctx, yNice.ticks.map((t) => formatNumber(t)));
    const plot = { left, top: MARGIN.top, width: width - left - MARGIN.right, height: plotHeight };
    const x = linearScale(bounds[0], bounds[bounds.length - 1], plot.left, plot.left + plot.width);
    const y = linearScale(grid.lo, grid.hi, plot.top + plot.height, plot.top);

    // Paint cell colours straight into device pixels: each pixel column shows the step it falls
    // in, each pixel row the grid cell it falls in (cheap at any number of steps).
    const ratio = globalThis.devicePixelRatio || 1;
    const px0 = Math.round(plot.left * ratio);
    const py0 = Math.round(plot.top * ratio);
    const pw = Math.max(1, Math.round(plot.width * ratio));
    const ph = Math.max(1, Math.round(plot.height * ratio));
    const image = ctx.createImageData(pw, ph);
    const data = image.data;
    const rowOf = new Int32Array(ph);
    for (let r = 0; r < ph; r++) {
      rowOf[r] = Math.min(grid.rows - 1, Math.floor(((ph - r - 0.5) / ph) * grid.rows));
    }
    for (let c = 0; c < pw; c++) {
      const stepIndex = binIndex(bounds, x.invert(plot.left + (c + 0.5) / ratio));
      if (stepIndex < 0) continue;
      const base = stepIndex * grid.rows;
      for (let r = 0; r < ph; r++) {
        const rgb = colorOf(grid.counts[base + rowOf[r]]);
        if (!rgb) continue;
        const o = (r * pw + c) * 4;
        data[o] = rgb[0];
        data[o + 1] = rgb[1];
        data[o + 2] = rgb[2];
        data[o + 3] = 255;
      }
    }
    ctx.putImageData(image, px0, py0);

    const xTicks = niceTicks(steps[0], steps[steps.length - 1], Math.max(2, Math.floor(plot.width / 80)), { integer: true }).ticks;
    drawAxes(ctx, plot, { x, y, xTicks, yTicks: yNice.ticks, grid: false });
    geometry = { x, y, plot };
    drawColorbar();
    drawActive();
    frame.setTitle(current.name);
    frame.setNote(seriesExcludedText(steps, current.histograms));
    frame.canvas.setAttribute(
      "aria-label",
      `${current.name || "histograms"}: ${steps.length} steps, values ${formatNumber(grid.lo)} to ${formatNumber(grid.hi)}`,
    );
  }

  function drawColorbar() {
    const ctx = colorbar.getContext("2d");
    for (let i = 0; i < colorbar.width; i++) {
      const rgb = viridis(i / (colorbar.width - 1));
      ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.fillRect(i, 0, 1, colorbar.height);
    }
    colorbarLabel.textContent = logScaleOn ? "count (log):" : "count:";
    colorbarMax.textContent = formatNumber(grid.max);
  }

  /** The overlay: the current-step marker and the outline of the cell under the cursor. */
  function drawActive() {
    const ctx = frame.overlay.getContext("2d");
    const ratio = globalThis.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, frame.overlay.width, frame.overlay.height);
    if (geometry) {
      const drawn = drawStepMarker(ctx, markedStep, geometry.x, geometry.plot);
      frame.container.toggleAttribute("data-current-step", drawn);
      if (drawn) frame.container.setAttribute("data-current-step", String(markedStep));
    }
    if (!active || !geometry) return;
    const { x, y, plot } = geometry;
    const x0 = Math.max(plot.left, x(bounds[active.step]));
    const x1 = Math.min(plot.left + plot.width, x(bounds[active.step + 1]));
    const cellLo = grid.lo + active.row * grid.cell;
    const top = y(cellLo + grid.cell);
    const bottom = y(cellLo);
    ctx.strokeStyle = "#d62728";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x0, top, Math.max(2, x1 - x0), Math.max(2, bottom - top));
  }

  function showCell(cell, anchor) {
    active = cell;
    drawActive();
    if (!cell) {
      frame.tip.hide();
      return;
    }
    const cellLo = grid.lo + cell.row * grid.cell;
    const count = grid.counts[cell.step * grid.rows + cell.row];
    const text = `step ${current.steps[cell.step]}\nvalue [${formatNumber(cellLo)}, ${formatNumber(cellLo + grid.cell)})\ncount: ${formatNumber(count, 3)}`;
    const { x, y } = geometry;
    const px = anchor ? anchor.x : (x(bounds[cell.step]) + x(bounds[cell.step + 1])) / 2;
    const py = anchor ? anchor.y : y(cellLo + grid.cell);
    frame.tip.show(text, px, py);
  }

  const removers = [
    toggle.remove,
    listen(frame.canvas, "pointermove", (event) => {
      const point = pointerIn(frame.canvas, event);
      const { x, y, plot } = geometry;
      const inside = point.y >= plot.top && point.y <= plot.top + plot.height;
      const step = binIndex(bounds, x.invert(point.x));
      const row = Math.min(grid.rows - 1, Math.floor((y.invert(point.y) - grid.lo) / grid.cell));
      showCell(inside && step >= 0 && row >= 0 ? { step, row } : null, point);
    }),
    listen(frame.canvas, "pointerleave", () => showCell(null)),
    listen(frame.canvas, "blur", () => showCell(null)),
    listen(frame.canvas, "keydown", (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      if (!(event.key in moves)) return;
      event.preventDefault();
      const start = active || { step: 0, row: Math.floor(grid.rows / 2) };
      const [ds, dr] = active ? moves[event.key] : [0, 0];
      showCell({
        step: Math.min(current.steps.length - 1, Math.max(0, start.step + ds)),
        row: Math.min(grid.rows - 1, Math.max(0, start.row + dr)),
      });
    }),
  ];

  draw();

  return {
    update(nextPayload, nextOptions = {}) {
      onChange = nextOptions.onChange;
      const nextMarked = currentStepOption(nextOptions);
      if (nextPayload === current && Boolean(nextOptions.log_scale) === logScaleOn) {
        // Only the marker (or nothing) changed: the heatmap stays as painted.
        if (nextMarked !== markedStep) {
          markedStep = nextMarked;
          drawActive();
        }
        return;
      }
      markedStep = nextMarked;
      if (nextPayload !== current) {
        const nextProblem = seriesProblem(nextPayload);
        if (nextProblem) {
          frame.setNote(`filmstrip cannot draw this histogram series: ${nextProblem}`);
          return;
        }
        current = nextPayload;
        grid = resampleSeries(current.histograms);
        bounds = stepBounds(current.steps);
        active = null;
        frame.tip.hide();
      }
      logScaleOn = Boolean(nextOptions.log_scale);
      toggle.input.checked = logScaleOn;
      draw();
    },
    destroy() {
      for (const remove of removers) remove();
      frame.destroy();
    },
  };
}
