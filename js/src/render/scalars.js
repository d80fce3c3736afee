// Renderer for a "scalars" v1 payload (schema: src/filmstrip/widgets/scalars.py): one metric
// over steps as lines, one per series, with axes, a legend that hides/shows series, hover (or
// arrow keys) -> nearest step with every series' value, and gaps where values are null.
// View state: log_scale (y), smoothing (0..0.99, debiased exponential moving average), and
// hidden_series (labels). Option current_step (from the run browser) draws a vertical marker at
// that step on the overlay; changing only it repaints the overlay, not the lines. Large series are drawn per device-pixel column as first/min/max/last,
// so 100,000 points cost one pass and spikes survive the thinning.
import { h, listen } from "../lib/dom.js";
import {
  chartFrame, checkbox, drawAxes, formatNumber, linearScale, logScale, logTicks, niceTicks,
  pointerIn, sizeCanvas, yLabelWidth,
} from "../lib/chart.js";
import { classColor, cssColor } from "../lib/palette.js";
import * as message from "./message.js";
import { currentStepOption, drawStepMarker } from "./step_marker.js";

const HEIGHT = 260;
const MARGIN = { top: 10, right: 16, bottom: 24 };
const MAX_SMOOTHING = 0.99;

function payloadProblem(payload) {
  if (!payload || !Array.isArray(payload.series)) return "payload has no series list";
  for (const [i, s] of payload.series.entries()) {
    if (!s || !Array.isArray(s.steps) || !Array.isArray(s.values)) return `series ${i} has no steps/values lists`;
    if (s.steps.length !== s.values.length) {
      return `series ${i} (${s.name}) has ${s.steps.length} steps but ${s.values.length} values`;
    }
  }
  return null;
}

/** Typed arrays per series (NaN for null), colours and labels; computed once per payload. */
function prepare(payload) {
  return payload.series.map((s, i) => {
    const n = s.steps.length;
    const steps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      steps[k] = s.steps[k];
      const v = s.values[k];
      values[k] = v === null || v === undefined ? NaN : v;
    }
    return {
      label: s.label || (s.run ? `${s.run}/${s.name}` : s.name),
      color: classColor(i),
      steps,
      values,
      source: s,
      smoothedWith: null,
      smoothed: null,
    };
  });
}

/**
 * Debiased exponential moving average (TensorBoard's and the reference UI's smoothing):
 * gaps (NaN) stay gaps and do not reset the average.
 */
export function smooth(values, weight) {
  const out = new Float64Array(values.length);
  let acc = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      out[i] = NaN;
      continue;
    }
    acc = acc * weight + (1 - weight) * v;
    count += 1;
    out[i] = acc / (1 - weight ** count);
  }
  return out;
}

function lowerBound(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the step nearest `value` in an increasing array (-1 when empty). */
export function nearestIndex(sorted, value) {
  if (!sorted.length) return -1;
  const i = lowerBound(sorted, value);
  if (i === 0) return 0;
  if (i === sorted.length) return sorted.length - 1;
  return value - sorted[i - 1] <= sorted[i] - value ? i - 1 : i;
}

/**
 * Stroke a polyline through (x(step), y(value)), thinned to first/min/max/last per device-pixel
 * column; NaN (gaps, or values a log axis cannot show) break the line. Isolated points get a dot.
 */
function strokeSeries(ctx, steps, values, x, y, ratio) {
  let column = null;
  let first = 0;
  let lo = 0;
  let hi = 0;
  let last = 0;
  let penDown = false;
  let columnsInRun = 0;
  let runX = 0;
  let runY = 0;
  const dots = [];
  const flush = () => {
    if (column === null) return;
    const px = (column + 0.5) / ratio;
    if (!penDown) {
      ctx.moveTo(px, first);
      penDown = true;
      runX = px;
      runY = first;
    } else {
      ctx.lineTo(px, first);
    }
    if (lo < hi) {
      ctx.lineTo(px, lo);
      ctx.lineTo(px, hi);
    }
    ctx.lineTo(px, last);
    if (lo < hi) columnsInRun += 1; // a column with a vertical extent is visible on its own
    columnsInRun += 1;
    column = null;
  };
  const endRun = () => {
    flush();
    if (penDown && columnsInRun === 1) dots.push([runX, runY]);
    penDown = false;
    columnsInRun = 0;
  };
  ctx.beginPath();
  for (let i = 0; i < steps.length; i++) {
    const py = y(values[i]);
    if (!Number.isFinite(py)) {
      endRun();
      continue;
    }
    const col = Math.floor(x(steps[i]) * ratio);
    if (col !== column) {
      flush();
      column = col;
      first = lo = hi = last = py;
    } else {
      if (py < lo) lo = py;
      if (py > hi) hi = py;
      last = py;
    }
  }
  endRun();
  ctx.stroke();
  for (const [dx, dy] of dots) ctx.fillRect(dx - 1.5, dy - 1.5, 3, 3);
}

export function mount(el, payload, options = {}) {
  const problem = payloadProblem(payload);
  if (problem) return message.mount(el, payload, { message: `filmstrip cannot draw this chart: ${problem}` });

  let current = payload;
  let series = prepare(current);
  let logScaleOn = Boolean(options.log_scale);
  let smoothing = clampSmoothing(options.smoothing);
  let hidden = new Set(options.hidden_series || []);
  let onChange = options.onChange;
  let geometry = null;
  let activeStep = null; // the step under the pointer / keyboard cursor
  let markedStep = currentStepOption(options); // the browser's current step (marker)

  const frame = chartFrame(el, { className: "fs-scalars", label: "line chart", onWidth: () => draw() });
  const legend = h("div", { class: "fs-chart-legend", role: "group", "aria-label": "series" });
  frame.container.insertBefore(legend, frame.layers);
  const toggle = checkbox("log scale", logScaleOn, (checked) => {
    logScaleOn = checked;
    draw();
    if (onChange) onChange({ log_scale: checked });
  });
  const slider = h("input", { type: "range", min: "0", max: String(MAX_SMOOTHING), step: "0.01" });
  slider.value = String(smoothing);
  const sliderValue = h("output", { class: "fs-muted" });
  const smoothingLabel = h("label", {}, "smoothing", slider, sliderValue);
  frame.controls.append(toggle.el, smoothingLabel);

  let legendRemovers = [];
  function buildLegend() {
    for (const remove of legendRemovers) remove();
    legendRemovers = [];
    legend.replaceChildren();
    for (const s of series) {
      const button = h(
        "button",
        { type: "button", "aria-pressed": String(!hidden.has(s.label)), title: `show or hide ${s.label}` },
        h("span", { class: "fs-swatch", style: { background: cssColor(s.color) } }),
        s.label,
      );
      s.button = button;
      legendRemovers.push(listen(button, "click", () => {
        if (hidden.has(s.label)) hidden.delete(s.label);
        else hidden.add(s.label);
        syncLegend();
        draw();
        if (onChange) onChange({ hidden_series: [...hidden] });
      }));
      legend.append(button);
    }
    legend.hidden = series.length === 0;
  }
  function syncLegend() {
    for (const s of series) s.button.setAttribute("aria-pressed", String(!hidden.has(s.label)));
  }

  function smoothedValues(s) {
    if (smoothing <= 0) return s.values;
    if (s.smoothedWith !== smoothing) {
      s.smoothed = smooth(s.values, smoothing);
      s.smoothedWith = smoothing;
    }
    return s.smoothed;
  }

  function title() {
    if (current.title) return current.title;
    const names = new Set(current.series.map((s) => s.name));
    return names.size === 1 ? [...names][0] : "";
  }

  function draw() {
    const width = frame.width();
    const ctx = sizeCanvas(frame.canvas, width, HEIGHT);
    sizeCanvas(frame.overlay, width, HEIGHT);
    const visible = series.filter((s) => !hidden.has(s.label));
    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    let nonPositive = 0;
    for (const s of visible) {
      if (s.steps.length) {
        xMin = Math.min(xMin, s.steps[0]);
        xMax = Math.max(xMax, s.steps[s.steps.length - 1]);
      }
      for (const v of s.values) {
        if (Number.isNaN(v)) continue;
        if (logScaleOn && v <= 0) {
          nonPositive += 1;
          continue;
        }
        if (v < yMin) yMin = v;
        if (v > yMax) yMax = v;
      }
    }
    const hasData = yMin <= yMax;
    if (!(xMin <= xMax)) [xMin, xMax] = [0, 1];
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const bottom = MARGIN.top + plotHeight;
    let y;
    let yTicks;
    if (logScaleOn && hasData) {
      const lo = yMin === yMax ? yMin / 2 : yMin / (yMax / yMin) ** 0.05;
      const hi = yMin === yMax ? yMax * 2 : yMax * (yMax / yMin) ** 0.05;
      yTicks = logTicks(lo, hi, 5);
      y = logScale(lo, hi, bottom, MARGIN.top);
    } else {
      const [lo, hi] = hasData ? [yMin, yMax] : [0, 1];
      const pad = (hi - lo) * 0.05;
      const nice = niceTicks(lo - pad, hi + pad, 5);
      yTicks = nice.ticks;
      y = linearScale(nice.lo, nice.hi, bottom, MARGIN.top);
    }
    const left = yLabelWidth(ctx, yTicks.map((t) => formatNumber(t)));
    const plot = { left, top: MARGIN.top, width: width - left - MARGIN.right, height: plotHeight };
    const xNice = niceTicks(xMin, xMax, Math.max(2, Math.floor(plot.width / 80)), {
      integer: visible.every((s) => s.source.steps.every(Number.isInteger)),
    });
    const x = linearScale(xNice.lo, xNice.hi, plot.left, plot.left + plot.width);
    drawAxes(ctx, plot, { x, y, xTicks: xNice.ticks, yTicks });

    const ratio = globalThis.devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, plot.top - 1, plot.width + 1, plot.height + 2);
    ctx.clip();
    ctx.lineJoin = "round";
    for (const s of visible) {
      if (smoothing > 0) {
        // The raw values stay visible, faint, under the smoothed line (as the reference does).
        ctx.strokeStyle = cssColor(s.color, 0.25);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = 1;
        strokeSeries(ctx, s.steps, s.values, x, y, ratio);
      }
      ctx.strokeStyle = cssColor(s.color);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = 2; // at least one fully covered pixel row at any y, so colours stay true
      strokeSeries(ctx, s.steps, smoothedValues(s), x, y, ratio);
    }
    ctx.restore();

    geometry = { x, y, plot, visible };
    sliderValue.textContent = smoothing.toFixed(2);
    frame.setTitle(title());
    frame.setNote(noteText(visible, nonPositive, hasData));
    frame.canvas.setAttribute("aria-label", `${title() || "line chart"}: ${visible.length} of ${series.length} series shown`);
    drawOverlay();
  }

  function noteText(visible, nonPositive, hasData) {
    const parts = [];
    for (const s of visible) {
      const { nan_count: nan = 0, posinf_count: pos = 0, neginf_count: neg = 0 } = s.source;
      const what = [nan && `${nan} NaN`, pos && `${pos} +inf`, neg && `${neg} -inf`].filter(Boolean);
      if (what.length) parts.push(`${s.label}: ${what.join(", ")} not drawn`);
    }
    if (nonPositive) parts.push(`log scale: ${nonPositive} ${nonPositive === 1 ? "value" : "values"} ≤ 0 not drawn`);
    if (!hasData) parts.push(visible.length ? "no finite values to draw" : "all series hidden");
    return parts.join("; ");
  }

  /** The overlay: the current-step marker and the hover line with its dots and tooltip. */
  function drawOverlay() {
    const ctx = frame.overlay.getContext("2d");
    const ratio = globalThis.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, frame.overlay.width, frame.overlay.height);
    if (geometry) {
      const drawn = drawStepMarker(ctx, markedStep, geometry.x, geometry.plot);
      frame.container.toggleAttribute("data-current-step", drawn);
      if (drawn) frame.container.setAttribute("data-current-step", String(markedStep));
    }
    if (activeStep === null || !geometry) {
      frame.tip.hide();
      return;
    }
    const { x, y, plot, visible } = geometry;
    const px = x(activeStep);
    ctx.strokeStyle = "rgba(0, 0, 0, 0.35)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, plot.top);
    ctx.lineTo(Math.round(px) + 0.5, plot.top + plot.height);
    ctx.stroke();
    const lines = [`step ${formatNumber(activeStep)}`];
    let anchorY = plot.top + plot.height / 2;
    for (const s of visible) {
      const i = nearestIndex(s.steps, activeStep);
      if (i < 0) continue;
      const shown = smoothedValues(s)[i];
      const raw = s.values[i];
      let text = Number.isNaN(raw) ? "not finite" : formatNumber(shown, 5);
      if (smoothing > 0 && !Number.isNaN(raw)) text += ` (raw ${formatNumber(raw, 5)})`;
      if (s.steps[i] !== activeStep) text += ` at step ${formatNumber(s.steps[i])}`;
      lines.push(`${s.label}: ${text}`);
      const py = y(shown);
      if (Number.isFinite(py)) {
        ctx.fillStyle = cssColor(s.color);
        ctx.beginPath();
        ctx.arc(x(s.steps[i]), py, 3.5, 0, 2 * Math.PI);
        ctx.fill();
        anchorY = py;
      }
    }
    frame.tip.show(lines.join("\n"), px, anchorY);
  }

  /** The step nearest `value` among the visible series' steps. */
  function nearestStep(value) {
    let best = null;
    for (const s of geometry.visible) {
      const i = nearestIndex(s.steps, value);
      if (i >= 0 && (best === null || Math.abs(s.steps[i] - value) < Math.abs(best - value))) best = s.steps[i];
    }
    return best;
  }

  /** The next step after (direction 1) or before (-1) `from` among the visible series. */
  function neighbourStep(from, direction) {
    let best = null;
    for (const s of geometry.visible) {
      const i = lowerBound(s.steps, from);
      const j = direction > 0 ? (s.steps[i] === from ? i + 1 : i) : i - 1;
      if (j < 0 || j >= s.steps.length) continue;
      const step = s.steps[j];
      if (best === null || (direction > 0 ? step < best : step > best)) best = step;
    }
    return best === null ? from : best;
  }

  function setSmoothing(value, sync) {
    smoothing = clampSmoothing(value);
    draw();
    if (sync && onChange) onChange({ smoothing });
  }

  const removers = [
    toggle.remove,
    () => legendRemovers.forEach((remove) => remove()),
    listen(slider, "input", () => setSmoothing(Number(slider.value), false)),
    listen(slider, "change", () => setSmoothing(Number(slider.value), true)),
    listen(frame.canvas, "pointermove", (event) => {
      const point = pointerIn(frame.canvas, event);
      const { plot, x } = geometry;
      const inside = point.x >= plot.left && point.x <= plot.left + plot.width
        && point.y >= plot.top && point.y <= plot.top + plot.height;
      activeStep = inside ? nearestStep(x.invert(point.x)) : null;
      drawOverlay();
    }),
    listen(frame.canvas, "pointerleave", () => {
      activeStep = null;
      drawOverlay();
    }),
    listen(frame.canvas, "blur", () => {
      activeStep = null;
      drawOverlay();
    }),
    listen(frame.canvas, "keydown", (event) => {
      if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
      event.preventDefault();
      const { x, plot } = geometry;
      if (event.key === "Home") activeStep = nearestStep(x.invert(plot.left));
      else if (event.key === "End") activeStep = nearestStep(x.invert(plot.left + plot.width));
      else if (activeStep === null) activeStep = nearestStep(x.invert(plot.left));
      else activeStep = neighbourStep(activeStep, event.key === "ArrowRight" ? 1 : -1);
      drawOverlay();
    }),
  ];

  buildLegend();
  draw();

  return {
    update(nextPayload, nextOptions = {}) {
      onChange = nextOptions.onChange;
      const nextMarked = currentStepOption(nextOptions);
      const nextHidden = nextOptions.hidden_series || [];
      const sameView = nextPayload === current
        && Boolean(nextOptions.log_scale) === logScaleOn
        && clampSmoothing(nextOptions.smoothing) === smoothing
        && nextHidden.length === hidden.size && nextHidden.every((label) => hidden.has(label));
      if (sameView) {
        // Only the marker (or nothing) changed: the thinned lines stay as drawn.
        if (nextMarked !== markedStep) {
          markedStep = nextMarked;
          drawOverlay();
        }
        return;
      }
      markedStep = nextMarked;
      if (nextPayload !== current) {
        const nextProblem = payloadProblem(nextPayload);
        if (nextProblem) {
          frame.setNote(`filmstrip cannot draw this chart: ${nextProblem}`);
          return;
        }
        current = nextPayload;
        series = prepare(current);
        activeStep = null;
        hidden = new Set(nextOptions.hidden_series || []);
        buildLegend();
      }
      logScaleOn = Boolean(nextOptions.log_scale);
      toggle.input.checked = logScaleOn;
      smoothing = clampSmoothing(nextOptions.smoothing);
      slider.value = String(smoothing);
      hidden = new Set(nextOptions.hidden_series || []);
      syncLegend();
      draw();
    },
    destroy() {
      for (const remove of removers) remove();
      frame.destroy();
    },
  };
}

function clampSmoothing(value) {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) return 0;
  return Math.min(MAX_SMOOTHING, Math.round(number * 100) / 100);
}
