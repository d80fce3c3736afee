// Table renderer: a virtualized grid (only visible rows in the DOM) with sortable column headers
// (ascending -> descending -> logged order, aria-sort), a case-insensitive text filter, a
// "showing N of M rows" count, and media cells drawn as thumbnails by their own renderers.
//
// Payload (table v1): meta columns, column_types, rows (JSON cells; {"$media": k} and
// {"$float": "NaN"|...}), media (child metas nested with base.nest(child, "m<k>/")); buffers
// hold every child's buffers. Options (view state): sort_column (str|null), sort_descending
// (bool), filter_text (str); onChange reports header clicks and typing.
import { h, listen } from "../lib/dom.js";
import { imageCss } from "./image.js";
import { TableModel, cellText, isMediaCell } from "./table/model.js";
import { mountGrid } from "./table/grid.js";
import { mediaCellMounter } from "./table/cells.js";

const TEXT_ROW_HEIGHT = 28;
const MEDIA_ROW_HEIGHT = 76;
const THUMB_HEIGHT = 68;
const MAX_VIEW_HEIGHT = 440;

const CSS = `
.fs-table { display: flex; flex-direction: column; gap: 6px; max-width: 100%; }
.fs-table .fs-table-bar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.fs-table .fs-table-bar label { display: inline-flex; gap: 6px; align-items: center; }
.fs-table .fs-table-bar input { font: inherit; padding: 2px 6px; border: 1px solid #c6c9cd; border-radius: 4px; min-width: 16em; }
.fs-table .fs-table-scroll { overflow: auto; border: 1px solid #d0d7de; border-radius: 4px; position: relative; background: #fff; }
.fs-table .fs-table-head, .fs-table .fs-table-row { display: grid; min-width: max-content; }
.fs-table .fs-table-head { position: sticky; top: 0; z-index: 2; background: #f6f8fa; border-bottom: 1px solid #d0d7de; }
.fs-table .fs-table-head [role=columnheader] { border-right: 1px solid #eaeef2; }
.fs-table .fs-table-head button { all: unset; box-sizing: border-box; display: flex; width: 100%; gap: 4px; padding: 4px 8px; font-weight: 600; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.fs-table .fs-table-head button:focus-visible { outline: 2px solid #0969da; outline-offset: -2px; }
.fs-table .fs-table-head .fs-sort { color: #6e7781; margin-left: auto; }
.fs-table .fs-table-body { position: relative; min-width: max-content; }
.fs-table .fs-table-row { position: absolute; left: 0; right: 0; border-bottom: 1px solid #f0f2f4; }
.fs-table .fs-table-row.fs-odd { background: #fafbfc; }
.fs-table .fs-table-cell { padding: 0 8px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; height: 100%; line-height: var(--fs-row-height); border-right: 1px solid #f0f2f4; }
.fs-table .fs-table-cell.fs-num { text-align: right; font-variant-numeric: tabular-nums; }
.fs-table .fs-table-cell[data-media] { padding: 2px 4px; height: 100%; display: flex; align-items: center; }
.fs-table .fs-table-cell[data-media] > * { max-width: 100%; }
.fs-table .fs-table-empty { padding: 8px; }
`;

const WIDTH_BY_TYPE = { number: 110, bool: 70, null: 70, string: 220, mixed: 160 };

function columnWidth(name, type) {
  const base = String(type).startsWith("media:")
    ? (type === "media:image" ? 110 : 240)
    : WIDTH_BY_TYPE[type] || 160;
  // Room for the name and the sort arrow, within reason; long names ellipsize (title shows all).
  return Math.max(base, Math.min(320, 7.5 * name.length + 40));
}

function nextSort(column, sortColumn, sortDescending) {
  if (column !== sortColumn) return { sort_column: column, sort_descending: false };
  if (!sortDescending) return { sort_column: column, sort_descending: true };
  return { sort_column: null, sort_descending: false };
}

function mountTable(el, payload, options) {
  let opts = options || {};
  const model = new TableModel(payload);
  const hasMedia = model.types.some((t) => String(t).startsWith("media:")) || model.media.length > 0;
  const rowHeight = hasMedia ? MEDIA_ROW_HEIGHT : TEXT_ROW_HEIGHT;
  const template = model.columns.map((name, c) => `${columnWidth(name, model.types[c])}px`).join(" ") || "1fr";
  const mountMedia = mediaCellMounter(payload, THUMB_HEIGHT);
  const cleanups = [];
  let state = {
    sortColumn: opts.sort_column ?? null,
    sortDescending: Boolean(opts.sort_descending),
    filterText: opts.filter_text || "",
  };

  const filter = h("input", { type: "search", placeholder: "filter rows", "aria-label": "filter rows", spellcheck: "false" });
  const count = h("span", { class: "fs-table-count fs-muted", role: "status" });
  const bar = h("div", { class: "fs-table-bar" },
    h("label", {}, h("span", { text: "Filter" }), filter), count);
  const headers = model.columns.map((name, c) => {
    const arrow = h("span", { class: "fs-sort", "aria-hidden": "true" });
    const button = h("button", { type: "button", title: name }, h("span", { text: name }), arrow);
    const cell = h("div", { role: "columnheader", "aria-sort": "none", "data-column": String(c) }, button);
    cleanups.push(listen(button, "click", () => {
      const patch = nextSort(name, state.sortColumn, state.sortDescending);
      apply({ ...state, sortColumn: patch.sort_column, sortDescending: patch.sort_descending });
      if (opts.onChange) opts.onChange(patch);
    }));
    return { cell, arrow };
  });
  const head = h("div", { class: "fs-table-head", role: "row", "aria-rowindex": "1",
    style: { gridTemplateColumns: template } }, headers.map((x) => x.cell));
  const scroller = h("div", { class: "fs-table-scroll", tabindex: "0", role: "table",
    "aria-rowcount": String(model.rowCount + 1), "aria-label": "table rows" }, head);
  const empty = h("div", { class: "fs-table-empty fs-muted", hidden: true });
  const root = h("div", { class: "fs-table" }, h("style", { text: CSS + imageCss }), bar, scroller, empty);
  root.style.setProperty("--fs-row-height", `${rowHeight}px`);
  el.append(root);
  // Size to the content up to a cap, so a 3-row table is not a tall empty box.
  scroller.style.maxHeight = `${MAX_VIEW_HEIGHT}px`;

  const renderCell = (cellEl, rowIndex, c) => {
    const value = model.rows[rowIndex][c];
    if (isMediaCell(value)) return mountMedia(cellEl, value.$media);
    const text = cellText(value);
    cellEl.textContent = text;
    if (text.length > 24) cellEl.title = text; // ellipsized on screen, complete on hover
    if (typeof value === "number" || (value && typeof value === "object" && "$float" in value)) {
      cellEl.classList.add("fs-num");
    }
    return null;
  };
  const grid = mountGrid(scroller, { rowHeight, template, columnCount: model.columns.length, renderCell });

  function apply(next) {
    state = next;
    if (filter.value !== state.filterText) filter.value = state.filterText;
    headers.forEach(({ cell, arrow }, c) => {
      const sorted = model.columns[c] === state.sortColumn;
      const direction = sorted ? (state.sortDescending ? "descending" : "ascending") : "none";
      cell.setAttribute("aria-sort", direction);
      arrow.textContent = sorted ? (state.sortDescending ? "▼" : "▲") : "";
    });
    const order = model.order(state);
    grid.setOrder(order);
    count.textContent = `showing ${order.length.toLocaleString("en-US")} of ${model.rowCount.toLocaleString("en-US")} rows`;
    empty.hidden = order.length > 0;
    empty.textContent = model.rowCount === 0 ? "This table has no rows." : `No rows contain "${state.filterText}".`;
  }

  cleanups.push(listen(filter, "input", () => {
    apply({ ...state, filterText: filter.value });
    if (opts.onChange) opts.onChange({ filter_text: filter.value });
  }));
  filter.value = state.filterText;
  apply(state);

  return {
    update(o) {
      opts = o || {};
      const next = {
        sortColumn: opts.sort_column ?? null,
        sortDescending: Boolean(opts.sort_descending),
        filterText: opts.filter_text || "",
      };
      if (next.sortColumn !== state.sortColumn || next.sortDescending !== state.sortDescending ||
          next.filterText !== state.filterText) {
        apply(next);
      }
    },
    destroy() {
      for (const off of cleanups) off();
      grid.destroy();
      root.remove();
    },
  };
}

export function mount(el, payload, options = {}) {
  let current = payload;
  let view = mountTable(el, payload, options);
  return {
    update(p, o) {
      if (p !== current) {
        view.destroy();
        current = p;
        view = mountTable(el, p, o);
      } else {
        view.update(o);
      }
    },
    destroy() {
      view.destroy();
    },
  };
}
