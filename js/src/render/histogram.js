// Renderer for one "histogram" v1 payload: bars on a canvas over the bin edges, y axis of
// counts (linear or log: view state `log_scale`), hover or arrow keys -> tooltip with the bin
// range and count, and a note naming the NaN / +inf / -inf values left out of the bins.
import { listen } from "../lib/dom.js";
import {
  chartFrame, checkbox, drawAxes, formatNumber, linearScale, logScale, logTicks, niceTicks,
  pointerIn, sizeCanvas, yLabelWidth,
} from "../lib/chart.js";
import * as message from "./message.js";

const HEIGHT = 220;
const BAR_COLOR = "#4c78a8";
const ACTIVE_COLOR = "#f58518";
const MARGIN = { top: 10, right: 14, bottom: 24 };

/** Why a histogram payload cannot be drawn, or null when it can. */
export function histogramProblem(payload) {
  const bins = payload && payload.bins;
  const counts = payload && payload.counts;
  if (!Array.isArray(bins) || !Array.isArray(counts)) return "histogram payload has no bins/counts lists";
  if (counts.length === 0) return "histogram has no bins";
  if (bins.length !== counts.length + 1) {
    return `histogram has ${counts.length} counts but ${bins.length} bin edges (expected ${counts.length + 1})`;
  }
  return null;
}

/** "3 NaN, 1 +inf excluded" for the values that could not be binned; "" when there are none. */
export function excludedText(meta) {
  const parts = [];
  if (meta.nan_count > 0) parts.push(`${meta.nan_count.toLocaleString("en-US")} NaN`);
  if (meta.posinf_count > 0) parts.push(`${meta.posinf_count.toLocaleString("en-US")} +inf`);
  if (meta.neginf_count > 0) parts.push(`${meta.neginf_count.toLocaleString("en-US")} -inf`);
  return parts.length ? `${parts.join(", ")} excluded` : "";
}

/** Index of the bin holding `value` (edges increasing), or -1 outside. */
export function binIndex(edges, value) {
  if (!(value >= edges[0] && value <= edges[edges.length - 1])) return -1;
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= value) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** "[a, b)" — the last bin of numpy's histogram is closed: "[a, b]". */
export function binRangeText(edges, index) {
  const close = index === edges.length - 2 ? "]" : ")";
  return `[${formatNumber(edges[index])}, ${formatNumber(edges[index + 1])}${close}`;
}

export function mount(el, payload, options = {}) {
  const problem = histogramProblem(payload);
  if (problem) return message.mount(el, payload, { message: `filmstrip cannot draw this histogram: ${problem}` });

  let current = payload;
  let logScaleOn = Boolean(options.log_scale);
  let onChange = options.onChange;
  let active = -1; // bin under the pointer or selected with the keyboard
  let geometry = null; // scales and plot rectangle of the last draw, for hit testing

  const frame = chartFrame(el, { className: "fs-histogram", label: "histogram", onWidth: () => draw() });
  const toggle = checkbox("log scale", logScaleOn, (checked) => {
    logScaleOn = checked;
    draw();
    if (onChange) onChange({ log_scale: checked });
  });
  frame.controls.append(toggle.el);

  function draw() {
    const width = frame.width();
    const ctx = sizeCanvas(frame.canvas, width, HEIGHT);
    sizeCanvas(frame.overlay, width, HEIGHT);
    const edges = current.bins;
    const counts = current.counts;
    let max = 0;
    let minPositive = Infinity;
    for (const count of counts) {
      if (count > max) max = count;
      if (count > 0 && count < minPositive) minPositive = count;
    }
    let y;
    let yTicks;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    if (logScaleOn && max > 0) {
      const lo = minPositive / 2;
      const hi = max * 1.15;
      yTicks = logTicks(lo, hi, 5);
      y = logScale(lo, hi, MARGIN.top + plotHeight, MARGIN.top);
    } else {
      const nice = niceTicks(0, max > 0 ? max : 1, 5, { extend: true });
      yTicks = nice.ticks;
      y = linearScale(0, nice.hi, MARGIN.top + plotHeight, MARGIN.top);
    }
    const left = yLabelWidth(ctx, yTicks.map((t) => formatNumber(t)));
    const plot = { left, top: MARGIN.top, width: width - left - MARGIN.right, height: plotHeight };
    const x = linearScale(edges[0], edges[edges.length - 1], plot.left, plot.left + plot.width);
    const xTicks = niceTicks(edges[0], edges[edges.length - 1], Math.max(2, Math.floor(plot.width / 80))).ticks;
    drawAxes(ctx, plot, { x, y, xTicks, yTicks });

    const bottom = plot.top + plot.height;
    for (let i = 0; i < counts.length; i++) {
      const top = counts[i] > 0 ? y(counts[i]) : NaN;
      if (!Number.isFinite(top)) continue;
      const x0 = Math.floor(x(edges[i]));
      let x1 = Math.floor(x(edges[i + 1]));
      if (x1 - x0 >= 4) x1 -= 1; // a 1 px gap between bars wide enough to afford it
      ctx.fillStyle = i === active ? ACTIVE_COLOR : BAR_COLOR;
      ctx.fillRect(x0, Math.round(top), Math.max(1, x1 - x0), bottom - Math.round(top));
    }
    geometry = { x, y, plot };
    frame.setNote(excludedText(current));
    frame.canvas.setAttribute(
      "aria-label",
      `histogram of ${counts.length} bins from ${formatNumber(edges[0])} to ${formatNumber(edges[edges.length - 1])}`,
    );
  }

  function showBin(index, anchor) {
    active = index;
    draw();
    if (index < 0) {
      frame.tip.hide();
      return;
    }
    const { x, y } = geometry;
    const text = `${binRangeText(current.bins, index)}\ncount: ${formatNumber(current.counts[index])}`;
    const px = anchor ? anchor.x : (x(current.bins[index]) + x(current.bins[index + 1])) / 2;
    const py = anchor ? anchor.y : Math.max(0, y(current.counts[index]) || geometry.plot.top);
    frame.tip.show(text, px, py);
  }

  const removers = [
    toggle.remove,
    listen(frame.canvas, "pointermove", (event) => {
      const point = pointerIn(frame.canvas, event);
      const { plot, x } = geometry;
      const inside = point.y >= plot.top && point.y <= plot.top + plot.height;
      const index = inside ? binIndex(current.bins, x.invert(point.x)) : -1;
      if (index !== active || index >= 0) showBin(index, point);
    }),
    listen(frame.canvas, "pointerleave", () => showBin(-1)),
    listen(frame.canvas, "blur", () => showBin(-1)),
    listen(frame.canvas, "keydown", (event) => {
      const last = current.counts.length - 1;
      const moves = { ArrowLeft: active - 1, ArrowRight: active + 1, Home: 0, End: last };
      if (!(event.key in moves)) return;
      event.preventDefault();
      showBin(Math.min(last, Math.max(0, active < 0 ? 0 : moves[event.key])));
    }),
  ];

  draw();

  return {
    update(nextPayload, nextOptions = {}) {
      onChange = nextOptions.onChange;
      if (nextPayload !== current) {
        const nextProblem = histogramProblem(nextPayload);
        if (nextProblem) {
          frame.setNote(`filmstrip cannot draw this histogram: ${nextProblem}`);
          return;
        }
        current = nextPayload;
        active = -1;
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
