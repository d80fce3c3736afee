// A small LRU of fetched payloads keyed by (run, key, step), bounded by entry count and bytes.
// Concurrent requests for the same entry share one fetch; failed fetches are not cached.

function sizeOf(value) {
  if (!value || typeof value !== "object") return 64;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let n = 64;
  for (const v of Array.isArray(value) ? value : Object.values(value)) n += sizeOf(v);
  return n;
}

/**
 * @param {{maxEntries?: number, maxBytes?: number}} limits
 */
export function payloadCache({ maxEntries = 400, maxBytes = 256 * 1024 * 1024 } = {}) {
  const entries = new Map(); // key -> {promise, value?, bytes}
  let bytes = 0;

  const evict = () => {
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      if (!("value" in entry)) continue; // still loading: keep
      entries.delete(key);
      bytes -= entry.bytes;
    }
  };

  /** A pending entry that the first of load() or put() settles. */
  const settleable = (key) => {
    const entry = { bytes: 0 };
    entry.promise = new Promise((resolve, reject) => {
      entry.settle = (value) => {
        if ("value" in entry || entry.failed) return;
        entry.value = value;
        if (entries.get(key) === entry) {
          entry.bytes = sizeOf(value);
          bytes += entry.bytes;
          evict();
        }
        resolve(value);
      };
      entry.fail = (err) => {
        if ("value" in entry || entry.failed) return;
        entry.failed = true;
        if (entries.get(key) === entry) entries.delete(key);
        reject(err);
      };
    });
    entries.set(key, entry);
    return entry;
  };

  return {
    /** The cached value (moved to most recent) or undefined. */
    peek(key) {
      const entry = entries.get(key);
      if (!entry || !("value" in entry)) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    has: (key) => entries.has(key),
    /** Promise of the value, fetching with `load()` on a miss. */
    get(key, load) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.promise;
      }
      const entry = settleable(key);
      load().then((value) => entry.settle(value), (err) => entry.fail(err));
      return entry.promise;
    },
    /** Store a value sent unasked; it also answers a fetch of the same entry still under way. */
    put(key, value) {
      const entry = entries.get(key);
      if (entry && "value" in entry) return;
      (entry || settleable(key)).settle(value);
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
