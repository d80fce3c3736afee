// The overview section: per run its name, status, config and summary (scalars as a table, media
// such as summary histograms rendered by their renderers, fetched like any other payload).
import { h } from "../lib/dom.js";
import { classColor, cssColor } from "../lib/palette.js";
import { summaryCell } from "./panel.js";

function flattenConfig(value, prefix = "", out = []) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

function formatValue(v) {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

function kvTable(rows, caption) {
  if (!rows.length) return null;
  return h("div", { class: "fs-kv-wrap" },
    h("table", { class: "fs-kv" },
      h("caption", { class: "fs-visually-hidden", text: caption }),
      h("tbody", {}, rows.map(([k, v]) => h("tr", {}, h("th", { scope: "row", text: k }), h("td", { text: formatValue(v) }))))));
}

/** Builds the overview of `runs` into `body`; returns {destroy, options()}. */
export function buildOverview(ctx, body, runs) {
  const cells = [];
  body.style.gridTemplateColumns = `repeat(${Math.max(1, runs.length)}, minmax(0, 1fr))`;
  for (const run of runs) {
    const summary = run.summary || {};
    const scalars = [];
    const media = [];
    for (const [key, value] of Object.entries(summary)) {
      if (value && typeof value === "object" && "$media" in value) media.push(key);
      else scalars.push([key, value]);
    }
    const status = run.status || "";
    const box = h("div", { class: "fs-overview-run", "data-run": run.uid },
      h("h3", {},
        h("span", { class: "fs-swatch", style: { background: cssColor(classColor(run.position)) } }),
        h("span", { text: run.name })),
      h("div", { class: "fs-muted" },
        h("span", { text: `${run.project || ""} / ${run.id || ""} · ` }),
        h("span", { class: `fs-status-${status}`, text: status })),
      run.error ? h("div", { class: "fs-error", role: "alert", text: run.error }) : null,
      h("div", { class: "fs-overview-heading", text: "Config" }),
      kvTable(flattenConfig(run.config || {}), "Config") || h("div", { class: "fs-muted", text: "no config" }),
      h("div", { class: "fs-overview-heading", text: "Summary" }),
      kvTable(scalars, "Summary") || (media.length ? null : h("div", { class: "fs-muted", text: "no summary" })));
    for (const key of media) {
      const cell = summaryCell(ctx, run, key);
      cells.push(cell);
      box.append(cell.el);
    }
    body.append(box);
  }
  return {
    options() {
      for (const cell of cells) cell.options();
    },
    destroy() {
      for (const cell of cells) cell.destroy();
      body.replaceChildren();
    },
  };
}
