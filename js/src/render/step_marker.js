// The "current step" marker the run browser asks charts over steps to draw (option
// `current_step`): a thin vertical line at that step, on the chart's overlay canvas, so moving it
// repaints only the overlay and never the series underneath.

/** Marker colour: a magenta no chart palette (tab10 series, viridis heatmap) uses. */
export const STEP_MARKER_COLOR = "#e0119d";
export const STEP_MARKER_RGB = [224, 17, 157];

/** The `current_step` option as a finite number, or null (no marker). */
export function currentStepOption(options) {
  const value = options ? options.current_step : null;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * Draw the marker at `step` on an overlay context (CSS-pixel transform already set).
 * `x` maps steps to CSS pixels; `plot` = {left, top, width, height}. Returns whether it was drawn
 * (false when the step is outside the plotted range).
 */
export function drawStepMarker(ctx, step, x, plot) {
  if (step === null) return false;
  const px = x(step);
  if (!(px >= plot.left - 0.5 && px <= plot.left + plot.width + 0.5)) return false;
  ctx.save();
  ctx.fillStyle = STEP_MARKER_COLOR;
  // Two whole pixels wide, so the colour is exact at any position (no anti-aliased half pixels).
  ctx.fillRect(Math.round(px) - 1, plot.top, 2, plot.height);
  ctx.restore();
  return true;
}
