// Virtual grid: only the rows in (or near) the viewport exist in the DOM; a body element sized
// rows * rowHeight gives the scrollbar its true length. Rows are absolutely positioned, so
// scrolling costs O(visible rows) whatever the table size.
import { h, listen } from "../../lib/dom.js";

const OVERSCAN = 6;

/**
 * @param {HTMLElement} scroller  the element with overflow: auto (holds a sticky header first)
 * @param {{rowHeight: number, template: string, renderCell: Function, ariaRowOffset?: number}} opts
 *   renderCell(cellEl, rowIndex, columnIndex) -> optional dispose function
 */
export function mountGrid(scroller, { rowHeight, template, columnCount, renderCell }) {
  const body = h("div", { class: "fs-table-body", role: "rowgroup" });
  scroller.append(body);
  let order = new Int32Array(0);
  /** @type {Map<number, {el: HTMLElement, disposers: Function[]}>} view position -> row */
  const rows = new Map();
  let frame = 0;

  const dropRow = (pos) => {
    const row = rows.get(pos);
    if (!row) return;
    for (const dispose of row.disposers) dispose();
    row.el.remove();
    rows.delete(pos);
  };

  const makeRow = (pos) => {
    const rowIndex = order[pos];
    const el = h("div", {
      class: `fs-table-row${pos % 2 ? " fs-odd" : ""}`, role: "row",
      "aria-rowindex": String(pos + 2), "data-row": String(rowIndex),
      style: { top: `${pos * rowHeight}px`, height: `${rowHeight}px`, gridTemplateColumns: template },
    });
    const disposers = [];
    for (let c = 0; c < columnCount; c++) {
      const cell = h("div", { class: "fs-table-cell", role: "cell" });
      el.append(cell);
      const dispose = renderCell(cell, rowIndex, c);
      if (dispose) disposers.push(dispose);
    }
    return { el, disposers };
  };

  const render = () => {
    frame = 0;
    const top = scroller.scrollTop - body.offsetTop;
    const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
    const last = Math.min(order.length, Math.ceil((top + scroller.clientHeight) / rowHeight) + OVERSCAN);
    for (const pos of [...rows.keys()]) if (pos < first || pos >= last) dropRow(pos);
    const fragment = document.createDocumentFragment();
    for (let pos = first; pos < last; pos++) {
      if (rows.has(pos)) continue;
      const row = makeRow(pos);
      rows.set(pos, row);
      fragment.append(row.el);
    }
    body.append(fragment);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(render);
  };

  const offScroll = listen(scroller, "scroll", schedule, { passive: true });
  const resize = new ResizeObserver(schedule);
  resize.observe(scroller);

  return {
    /** Show these row indices (in this order); renders synchronously. */
    setOrder(next) {
      order = next;
      for (const pos of [...rows.keys()]) dropRow(pos);
      body.style.height = `${order.length * rowHeight}px`;
      if (scroller.scrollTop > body.offsetTop + order.length * rowHeight) scroller.scrollTop = 0;
      cancelAnimationFrame(frame);
      render();
    },
    renderedRows() {
      return rows.size;
    },
    destroy() {
      cancelAnimationFrame(frame);
      offScroll();
      resize.disconnect();
      for (const pos of [...rows.keys()]) dropRow(pos);
      body.remove();
    },
  };
}
