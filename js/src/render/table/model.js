// Table data model: cell display text, case-insensitive filtering and stable sorting of row
// indices. Pure functions over the payload's JSON rows; nothing here touches the DOM.
//
// Cells (table v1): null, number, string, bool, {"$media": k} (payload.media[k]) and
// {"$float": "NaN" | "Infinity" | "-Infinity"} for non-finite floats.

const RANK_NUMBER = 0;
const RANK_BOOL = 1;
const RANK_STRING = 2;
const RANK_MEDIA = 3;
const RANK_OTHER = 4;
const RANK_MISSING = 5; // null and NaN sort last in both directions

export function isMediaCell(cell) {
  return cell !== null && typeof cell === "object" && "$media" in cell;
}

function floatValue(cell) {
  if (cell !== null && typeof cell === "object" && "$float" in cell) {
    return { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity }[cell.$float];
  }
  return undefined;
}

/** The text shown for a scalar cell ("" for null); media cells are rendered, not printed. */
export function cellText(cell) {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "string") return cell;
  if (typeof cell === "number" || typeof cell === "boolean") return String(cell);
  const special = floatValue(cell);
  if (special !== undefined) return String(special);
  return JSON.stringify(cell);
}

function mediaCaption(cell, media) {
  const meta = media && media[cell.$media];
  return meta && meta.caption != null ? String(meta.caption) : "";
}

/**
 * Holds the rows and computes the visible order (filtered, then sorted) as an Int32Array of
 * row indices. Lower-cased search text per row is built once, on the first filter.
 */
export class TableModel {
  constructor(payload) {
    this.columns = (payload.columns || []).map(String);
    this.types = payload.column_types || this.columns.map(() => "mixed");
    this.rows = payload.rows || [];
    this.media = payload.media || [];
    this._haystacks = null;
    this._sortKeys = new Map();
  }

  get rowCount() {
    return this.rows.length;
  }

  _haystack() {
    if (!this._haystacks) {
      this._haystacks = this.rows.map((row) =>
        row
          .map((cell) => (isMediaCell(cell) ? mediaCaption(cell, this.media) : cellText(cell)))
          .join("\u0001")
          .toLowerCase(),
      );
    }
    return this._haystacks;
  }

  _keys(column) {
    let keys = this._sortKeys.get(column);
    if (!keys) {
      const n = this.rows.length;
      const rank = new Uint8Array(n);
      const value = new Array(n);
      for (let i = 0; i < n; i++) {
        const cell = this.rows[i][column];
        const special = floatValue(cell);
        if (cell === null || cell === undefined || Number.isNaN(special)) {
          rank[i] = RANK_MISSING;
        } else if (typeof cell === "number" || special !== undefined) {
          rank[i] = RANK_NUMBER;
          value[i] = special !== undefined ? special : cell;
        } else if (typeof cell === "boolean") {
          rank[i] = RANK_BOOL;
          value[i] = cell ? 1 : 0;
        } else if (typeof cell === "string") {
          rank[i] = RANK_STRING;
          value[i] = cell.toLowerCase();
        } else if (isMediaCell(cell)) {
          rank[i] = RANK_MEDIA;
          value[i] = mediaCaption(cell, this.media).toLowerCase();
        } else {
          rank[i] = RANK_OTHER;
          value[i] = cellText(cell);
        }
      }
      keys = { rank, value };
      this._sortKeys.set(column, keys);
    }
    return keys;
  }

  /**
   * Row indices to show: rows whose text contains `filterText` (case-insensitive), sorted by
   * `sortColumn` (a column name; null keeps logged order). Ties keep logged order.
   */
  order({ sortColumn = null, sortDescending = false, filterText = "" } = {}) {
    let indices;
    const query = (filterText || "").toLowerCase();
    if (query) {
      const haystacks = this._haystack();
      const hits = [];
      for (let i = 0; i < haystacks.length; i++) if (haystacks[i].includes(query)) hits.push(i);
      indices = Int32Array.from(hits);
    } else {
      indices = new Int32Array(this.rows.length);
      for (let i = 0; i < indices.length; i++) indices[i] = i;
    }
    const column = sortColumn == null ? -1 : this.columns.indexOf(sortColumn);
    if (column >= 0) {
      const { rank, value } = this._keys(column);
      const sign = sortDescending ? -1 : 1;
      indices.sort((a, b) => {
        const ra = rank[a];
        const rb = rank[b];
        if (ra !== rb) return ra - rb;
        if (ra === RANK_MISSING) return a - b;
        const va = value[a];
        const vb = value[b];
        const c = va < vb ? -1 : va > vb ? 1 : 0;
        return sign * c || a - b;
      });
    }
    return indices;
  }
}
