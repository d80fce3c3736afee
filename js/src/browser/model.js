// Pure functions over the browser's index (no DOM): which keys to show, how they group, the
// steps the slider walks and the step each panel shows.
//
// index = [{uid, name, project, id, status, error?, config, summary: {key: value | {"$media": type}},
//           keys: {key: {type, gallery, steps: [int] | null, count, last}}}]   (one entry per run)
// Scalar keys carry steps: null (their series is fetched whole); media keys carry their steps.

/** Keys shown: the `keys` list if given, else every key of every run, in first-seen order. */
export function shownKeys(index, keys) {
  if (Array.isArray(keys) && keys.length) return keys.slice();
  const seen = new Set();
  for (const run of index || []) for (const key of Object.keys(run.keys || {})) seen.add(key);
  return [...seen];
}

/** The type of a key (first run that has it), or null if no run logged it yet. */
export function keyInfo(index, key) {
  for (const run of index || []) {
    const info = run.keys && run.keys[key];
    if (info) return info;
  }
  return null;
}

export const STEPLESS = new Set(["scalar"]);

/** Group name of a key: the part before its first "/" ("" when it has none). */
export function groupOf(key) {
  const at = key.indexOf("/");
  return at > 0 ? key.slice(0, at) : "";
}

/** [[group, [keys]]] in first-seen order; ungrouped keys first. */
export function groupKeys(keys) {
  const groups = new Map([["", []]]);
  for (const key of keys) {
    const g = groupOf(key);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(key);
  }
  return [...groups].filter(([, ks]) => ks.length);
}

/** Sorted union of the steps of the shown media keys over all runs (the slider's stops). */
export function sliderSteps(index, keys) {
  const all = new Set();
  let scalarLast = null;
  for (const run of index || []) {
    for (const key of keys) {
      const info = run.keys && run.keys[key];
      if (!info) continue;
      if (info.steps) for (const s of info.steps) all.add(s);
      else if (info.last !== null && info.last !== undefined) scalarLast = Math.max(scalarLast ?? info.last, info.last);
    }
  }
  if (!all.size && scalarLast !== null) all.add(scalarLast);
  return Int32Array.from(all).sort();
}

/** Index of the largest element <= value in a sorted array, or -1. */
export function floorIndex(sorted, value) {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * What a panel shows at `step`: {step} exact, {step, earlier: true} the nearest earlier one,
 * {none: true, first} when the key has nothing at or before `step`.
 */
export function stepFor(steps, step) {
  if (!steps || !steps.length) return { none: true, first: null };
  const i = floorIndex(steps, step);
  if (i < 0) return { none: true, first: steps[0] };
  return { step: steps[i], earlier: steps[i] !== step };
}

/** Case-insensitive substring match of a panel filter against a key. */
export function matchesSearch(key, search) {
  if (!search) return true;
  return key.toLowerCase().includes(String(search).trim().toLowerCase());
}
