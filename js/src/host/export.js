// The static host of an exported HTML file (bundle entry -> static/export.js, inlined in the
// page by src/filmstrip/export/page.py). It reads the page's embedded manifest and blobs, and
// mounts every view with the same renderers and browser shell the notebook uses: single media
// through a static model (host/static_model.js), run browsers through a data source over the
// embedded payloads. No network: blobs are base64 text in the page, gzip-decoded with the
// browser's own DecompressionStream; heavy bundles (three.js, 3Dmol) are embedded the same way
// and imported from blob: URLs only when a view needs them.
//
// Page layout (written by Python):
//   <script type="application/json" id="fs-export-manifest">{format, bundles, views}</script>
//   <script type="application/octet-stream" data-fs-blob="N" data-encoding="gzip|raw">base64</script>
//   <div class="fs-export-view" data-fs-view="N"></div>      (one per view, anywhere in the page)
// In the manifest, {"$blob": N} stands for the bytes of blob N.
//   views[i] = {kind: "media", bundle: "widgets.js" | "object3d.js" | "molecule.js", state}
//            | {kind: "browser", state, values: {uid: {key: {step: value}}},
//               series: {uid: {key: value}}, summaries: {uid: {key: value}}, note}
//            | {kind: "missing", message}
import { mountBrowser } from "../browser/shell.js";
import { rendererFor } from "../render/index.js";
import { bindMediaModel } from "./anywidget.js";
import { importSource } from "./source.js";
import { staticModel } from "./static_model.js";
import { h } from "../lib/dom.js";

const MANIFEST_ID = "fs-export-manifest";

function base64Bytes(text) {
  const clean = text.replace(/\s+/g, "");
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(clean);
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Blob N of the page, decoded once and only when first needed. */
function blobReader(doc) {
  const tags = new Map();
  for (const tag of doc.querySelectorAll("script[data-fs-blob]")) {
    tags.set(Number(tag.getAttribute("data-fs-blob")), tag);
  }
  const decoded = new Map();
  return (id) => {
    if (!decoded.has(id)) {
      const tag = tags.get(id);
      if (!tag) return Promise.reject(new Error(`the export is missing its data block ${id}`));
      const bytes = base64Bytes(tag.textContent);
      const encoding = tag.getAttribute("data-encoding");
      decoded.set(id, encoding === "gzip" ? gunzip(bytes) : Promise.resolve(bytes));
    }
    return decoded.get(id);
  };
}

/** Replace every {"$blob": N} in a JSON value by the blob's bytes (`wrap` picks the view type). */
async function inflate(value, readBlob, wrap = (bytes) => bytes) {
  if (Array.isArray(value)) return Promise.all(value.map((v) => inflate(v, readBlob, wrap)));
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$blob") return wrap(await readBlob(value.$blob));
    const out = {};
    await Promise.all(keys.map(async (k) => {
      out[k] = await inflate(value[k], readBlob, wrap);
    }));
    return out;
  }
  return value;
}

/** Heavy renderer bundles, embedded compressed, imported from a blob: URL on first need. */
function bundleLoader(manifest, readBlob) {
  const loaded = new Map();
  return (name) => {
    if (!loaded.has(name)) {
      const id = (manifest.bundles || {})[name];
      if (id === undefined) {
        return Promise.reject(new Error(`${name} was not embedded in this export`));
      }
      loaded.set(name, readBlob(id).then(importSource));
    }
    return loaded.get(name);
  };
}

/** The run browser's data source (js/src/host/source.js interface) over embedded payloads. */
export function embeddedSource(view, readBlob, loadBundle) {
  const state = { ...(view.state || {}) };
  const listeners = new Map();
  const note = view.note || "this step was not included in the export";
  const lookup = (table, path, what) => {
    let node = table || {};
    for (const part of path) {
      if (!node || !Object.prototype.hasOwnProperty.call(node, part)) {
        return Promise.reject(new Error(`${what} is not in this export (${note})`));
      }
      node = node[part];
    }
    return inflate(node, readBlob);
  };
  return {
    getState: (name) => state[name],
    setState(patch) {
      const changed = [];
      for (const [name, value] of Object.entries(patch)) {
        if (state[name] === value) continue;
        state[name] = value;
        changed.push(name);
      }
      for (const name of changed) {
        for (const cb of [...(listeners.get(name) || [])]) cb(state[name]);
      }
    },
    onState(name, cb) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(cb);
      return () => listeners.get(name)?.delete(cb);
    },
    fetch(runId, key, step) {
      if (step === null || step === undefined) {
        return lookup(view.series, [runId, key], `the series of ${key}`);
      }
      return lookup(view.values, [runId, key, String(step)], `${key} at step ${step}`);
    },
    fetchSummary: (runId, key) => lookup(view.summaries, [runId, key], `summary ${key}`),
    loadBundle,
    close() {
      listeners.clear();
    },
  };
}

async function mountMedia(el, view, readBlob, loadBundle) {
  const wrap = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const state = await inflate(view.state, readBlob, wrap);
  const model = staticModel(state);
  if (!view.bundle || view.bundle === "widgets.js") return bindMediaModel({ model, el }, rendererFor);
  const mod = await loadBundle(view.bundle);
  return mod.default.render({ model, el });
}

function mountMissing(el, view) {
  el.append(h("div", { class: "fs-error fs-export-missing", role: "status" }, view.message || "not exported"));
  return () => {};
}

/** Mount every view of the page; resolves to {views: [...], destroy()} once all are mounted. */
export async function mountExport(doc = document) {
  const manifestTag = doc.getElementById(MANIFEST_ID);
  if (!manifestTag) throw new Error(`no #${MANIFEST_ID} in this page`);
  const manifest = JSON.parse(manifestTag.textContent);
  const readBlob = blobReader(doc);
  const loadBundle = bundleLoader(manifest, readBlob);
  const cleanups = [];
  const mounting = [...doc.querySelectorAll(".fs-export-view[data-fs-view]")].map(async (el) => {
    const view = manifest.views[Number(el.getAttribute("data-fs-view"))];
    try {
      if (!view) throw new Error(`view ${el.getAttribute("data-fs-view")} is not in the manifest`);
      if (view.kind === "browser") {
        const source = embeddedSource(view, readBlob, loadBundle);
        const browser = mountBrowser(el, source);
        cleanups.push(() => {
          browser.destroy();
          source.close();
        });
      } else if (view.kind === "media") {
        cleanups.push(await mountMedia(el, view, readBlob, loadBundle));
      } else {
        cleanups.push(mountMissing(el, view || {}));
      }
      el.setAttribute("data-fs-mounted", "true");
    } catch (err) {
      el.append(h("div", { class: "fs-error", role: "alert" }, `filmstrip could not show this view: ${err.message || err}`));
      el.setAttribute("data-fs-mounted", "error");
      throw err;
    }
  });
  const results = await Promise.allSettled(mounting);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) console.error(failed.reason);
  return {
    destroy() {
      for (const cleanup of cleanups) if (cleanup) cleanup();
    },
  };
}

// Mount when the page is ready: the host script sits at the end of <body>, but the nbconvert
// page may place it earlier, so wait for the document either way.
const start = () => {
  window.filmstripExport = mountExport().then((handle) => {
    document.documentElement.setAttribute("data-fs-ready", "true");
    return handle;
  });
};
if (typeof document !== "undefined" && document.getElementById(MANIFEST_ID)) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
}
