// Stable colours: the same class id gets the same colour in every panel, run and export.

// Distinct, legible on dark and light images (Tableau-like, then extended).
const BASE = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
  [174, 199, 232], [255, 187, 120], [152, 223, 138], [255, 152, 150], [197, 176, 213],
  [196, 156, 148], [247, 182, 210], [199, 199, 199], [219, 219, 141], [158, 218, 229],
];

/** [r, g, b] for a class id (0..65535). Ids past the table get golden-angle hues. */
export function classColor(id) {
  const n = Number(id);
  if (n >= 0 && n < BASE.length) return BASE[n];
  const hue = (n * 137.508) % 360;
  return hslToRgb(hue / 360, 0.65, 0.55);
}

export function cssColor(rgb, alpha = 1) {
  return alpha >= 1 ? `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})` : `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})`;
}

/** Point-cloud categories 1..14 (the reference's Nx4 form): a fixed legible palette. */
export const CATEGORY_COLORS = BASE.slice(0, 14);
export function categoryColor(category) {
  return CATEGORY_COLORS[(Number(category) - 1 + 14) % 14];
}

function hslToRgb(h, s, l) {
  const f = (n) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
