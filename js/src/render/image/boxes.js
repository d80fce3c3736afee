// Bounding boxes: which boxes are visible (group and class toggles, score thresholds), where
// they are in image pixels (domain "pixel", or fractions of the image by default), and drawing
// them with their captions on the overlay canvas in screen space (so text stays crisp at any zoom).
import { classColor, cssColor } from "../../lib/palette.js";
import { classLabel, hiddenClassIds, isLayerHidden } from "./state.js";

/** Box corners in image pixel coordinates. */
export function boxRect(box, width, height) {
  if (box.domain === "pixel") return { x0: box.minX, y0: box.minY, x1: box.maxX, y1: box.maxY };
  return { x0: box.minX * width, y0: box.minY * height, x1: box.maxX * width, y1: box.maxY * height };
}

/** True when the box passes every score threshold set for a score it has. */
export function passesThresholds(box, thresholds) {
  for (const [name, value] of Object.entries(box.scores || {})) {
    const threshold = thresholds[name];
    if (typeof threshold === "number" && value < threshold) return false;
  }
  return true;
}

/** The boxes to draw: [{group, box, rect, color, label}]. */
export function visibleBoxes(payload, state) {
  const out = [];
  for (const [group, data] of Object.entries(payload.boxes || {})) {
    if (isLayerHidden(state, group)) continue;
    const hidden = hiddenClassIds(state, group);
    for (const box of data.box_data || []) {
      if (hidden.has(box.class_id) || !passesThresholds(box, state.score_thresholds)) continue;
      const caption = typeof box.box_caption === "string" && box.box_caption !== "" ? box.box_caption : null;
      out.push({
        group,
        box,
        rect: boxRect(box, payload.width, payload.height),
        color: classColor(box.class_id),
        label: caption ?? classLabel(data.class_labels, box.class_id),
      });
    }
  }
  return out;
}

const LINE_WIDTH = 2;
const FONT_PX = 12;

/**
 * Draw boxes on a 2D context whose canvas covers the viewport (`dpr` device pixels per CSS px).
 * `toScreen(x, y)` maps image pixel coordinates to viewport CSS pixels.
 */
export function drawBoxes(ctx, boxes, toScreen, dpr) {
  ctx.save();
  ctx.scale(dpr, dpr);
  ctx.lineWidth = LINE_WIDTH;
  ctx.font = `${FONT_PX}px system-ui, "DejaVu Sans", sans-serif`;
  ctx.textBaseline = "top";
  for (const { rect, color, label } of boxes) {
    const [x0, y0] = toScreen(rect.x0, rect.y0);
    const [x1, y1] = toScreen(rect.x1, rect.y1);
    ctx.strokeStyle = cssColor(color);
    ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    if (!label) continue;
    // Caption tag on the box's top edge, inside the box when the box touches the top.
    const textWidth = ctx.measureText(label).width;
    const tagHeight = FONT_PX + 4;
    const tagY = y0 - tagHeight >= 0 ? y0 - tagHeight : y0;
    const tagX = x0 - LINE_WIDTH / 2;
    ctx.fillStyle = cssColor(color);
    ctx.fillRect(tagX, tagY, textWidth + 6, tagHeight);
    const luminance = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
    ctx.fillStyle = luminance > 150 ? "#111" : "#fff";
    ctx.fillText(label, tagX + 3, tagY + 2);
  }
  ctx.restore();
}
