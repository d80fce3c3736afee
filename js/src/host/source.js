// The run browser's data source: the only thing the browser shell talks to. Two implementations
// share this interface: `modelSource(model)` below (an anywidget model; payloads come from the
// kernel over custom messages) and the HTML export's static host (payloads embedded in the page).
//
// Interface:
//   getState(name) -> value            view state and index (trait names: index, shown_keys, step, ...)
//   setState(patch)                    {name: value}; kept by the host (synced to Python traits;
//                                      a step may be refused if Python set a newer one meanwhile)
//   onState(name, cb) -> off           cb() after `name` changed (from either side)
//   fetch(runId, key, step) -> Promise<payload | payload[] | {type: "value", value}>
//        step: an int -> the value logged at exactly that step;
//              null   -> the whole series of a scalar key ({type: "scalars", series: [...]})
//   fetchSummary(runId, key) -> Promise<payload | payload[] | {type: "value", value}>
//   loadBundle(name) -> Promise<module>  heavy renderer bundles (object3d.js, molecule.js)
//   onPush(cb) -> off  (optional)      cb(runId, key, step | {count}, payload): values the host
//                                      sends unasked (a live run's newest step) to be cached
//   close()                            drop listeners and reject pending requests
//
// Wire protocol with the kernel (see src/filmstrip/widgets/browser.py):
//   page -> kernel  {kind: "fetch" | "summary" | "bundle", id, run, key, step, name}
//   kernel -> page  {kind: "reply", id, part, parts, pieces: [[bufferIndex], ...], meta?, nbuffers?,
//                    meta_buffer?, error?}
//                   {kind: "push", id, run, key, step, series_count?, part, parts, ...}: the same
//                    framing for values sent unasked while a run grows (the kernel may be busy
//                    running the training loop and unable to answer fetches until it ends)
//   A reply is split over `parts` messages (each under 8 MiB); message buffers are pieces of the
//   reply's buffers in order. In `meta`, {"$buf": i} stands for reply buffer i.

const REQUEST_TIMEOUT_MS = 120_000;

/** Concatenate byte chunks (no copy for one chunk). */
function concat(chunks) {
  if (chunks.length === 1) return chunks[0];
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function asBytes(b) {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Replace {"$buf": i} markers in a JSON value by the reply's buffers. */
export function inflate(value, buffers) {
  if (Array.isArray(value)) return value.map((v) => inflate(v, buffers));
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$buf") return buffers[value.$buf];
    const out = {};
    for (const k of keys) out[k] = inflate(value[k], buffers);
    return out;
  }
  return value;
}

/** Collects the parts of replies and resolves each request when its last part arrives. */
export function replyAssembler(onPushed = () => {}) {
  const pending = new Map(); // id -> {resolve, reject, parts: [], timer}
  return {
    expect(id, resolve, reject, timeoutMs = REQUEST_TIMEOUT_MS) {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`no reply from the kernel within ${timeoutMs / 1000} s (is it busy or gone?)`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, parts: [], timer });
    },
    /** Feed one kernel message; returns true if it was a reply. */
    receive(content, buffers) {
      if (!content || (content.kind !== "reply" && content.kind !== "push")) return false;
      if (content.kind === "push" && !pending.has(content.id)) {
        const where = content.series_count !== undefined && content.series_count !== null
          ? { count: content.series_count } : content.step;
        pending.set(content.id, {
          resolve: (value) => onPushed(content.run, content.key, where, value),
          reject: () => {},
          parts: [],
          timer: null,
        });
      }
      const entry = pending.get(content.id);
      if (!entry) return true;
      if (content.error) {
        clearTimeout(entry.timer);
        pending.delete(content.id);
        entry.reject(new Error(content.error));
        return true;
      }
      entry.parts[content.part] = { content, buffers: (buffers || []).map(asBytes) };
      const received = entry.parts.filter(Boolean).length;
      if (received < content.parts) return true;
      clearTimeout(entry.timer);
      pending.delete(content.id);
      try {
        entry.resolve(assemble(entry.parts));
      } catch (err) {
        entry.reject(err);
      }
      return true;
    },
    close() {
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
        entry.reject(new Error("the run browser was closed"));
      }
      pending.clear();
    },
  };
}

function assemble(parts) {
  const head = parts[0].content;
  const chunks = Array.from({ length: head.nbuffers || 0 }, () => []);
  for (const { content, buffers } of parts) {
    content.pieces.forEach(([index], i) => chunks[index].push(buffers[i]));
  }
  const buffers = chunks.map(concat);
  let meta = head.meta;
  if (head.meta_buffer !== undefined && head.meta_buffer !== null) {
    meta = JSON.parse(new TextDecoder().decode(buffers[head.meta_buffer]));
  }
  return inflate(meta, buffers);
}

/** Import an ES module from its source text (a blob: URL, released once imported). */
export async function importSource(bytes) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
  try {
    return await import(/* webpackIgnore: true */ url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The data source over an anywidget model (Jupyter, or the fake model of the browser tests). */
export function modelSource(model) {
  const pushHandlers = new Set();
  const replies = replyAssembler((...args) => {
    for (const cb of pushHandlers) cb(...args);
  });
  const bundles = new Map();
  const offs = [];
  let nextId = 1;
  let closed = false;
  let stepWrites = 0;

  const onCustom = (content, buffers) => replies.receive(content, buffers);
  model.on("msg:custom", onCustom);

  const request = (content) =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new Error("the run browser was closed"));
        return;
      }
      const id = nextId++;
      replies.expect(id, resolve, reject);
      model.send({ ...content, id });
    });

  return {
    getState: (name) => model.get(name),
    setState(patch) {
      for (const [name, value] of Object.entries(patch)) model.set(name, value);
      // A step carries the newest Python-set step version the page had seen, so the kernel can
      // drop it if Python set another step meanwhile (the counter makes every write a change).
      if ("step" in patch) model.set("_step_basis", [model.get("_step_version") || 0, ++stepWrites]);
      model.save_changes();
    },
    onState(name, cb) {
      const handler = () => cb(model.get(name));
      model.on(`change:${name}`, handler);
      const off = () => model.off(`change:${name}`, handler);
      offs.push(off);
      return off;
    },
    fetch: (runId, key, step) => request({ kind: "fetch", run: runId, key, step }),
    fetchSummary: (runId, key) => request({ kind: "summary", run: runId, key }),
    loadBundle(name) {
      if (!bundles.has(name)) {
        const loading = request({ kind: "bundle", name }).then((reply) => importSource(reply.source));
        loading.catch(() => bundles.delete(name));
        bundles.set(name, loading);
      }
      return bundles.get(name);
    },
    onPush(cb) {
      pushHandlers.add(cb);
      return () => pushHandlers.delete(cb);
    },
    close() {
      closed = true;
      pushHandlers.clear();
      model.off("msg:custom", onCustom);
      for (const off of offs) off();
      replies.close();
    },
  };
}
