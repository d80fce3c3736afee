// Test page: mounts a real built widget bundle with a small fake anywidget model holding the
// widget's real Python state, the way Jupyter would (binary buffers arrive as DataView).

// JupyterLab swallows command-mode keys on focused controls unless an ancestor carries
// data-lm-suppress-shortcuts; emulate that so tests catch a missing attribute.
const SWALLOWED = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Enter", " ",
  "a", "b", "d", "j", "k", "PageUp", "PageDown", "Home", "End"]);
// Lab matches its command-mode selector (`:focus:not(:read-write)`) against the focused element
// itself first: a focusable control without the attribute loses the key even inside a marked root.
const FOCUSABLE = "input, button, select, textarea, canvas, [tabindex], a[href]";
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (target.matches("input[type=text], input[type=search], textarea")) return;
  const marked = target.matches(FOCUSABLE)
    ? target.hasAttribute("data-lm-suppress-shortcuts")
    : !!target.closest("[data-lm-suppress-shortcuts]");
  if (marked) return;
  if (SWALLOWED.has(event.key)) {
    event.preventDefault();
    event.stopPropagation();
    window.__swallowedKeys = (window.__swallowedKeys || 0) + 1;
  }
}, true);

function b64ToDataView(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new DataView(bytes.buffer);
}

function putBuffers(state, paths, buffers) {
  paths.forEach((path, i) => {
    let obj = state;
    for (const key of path.slice(0, -1)) obj = obj[key];
    obj[path[path.length - 1]] = b64ToDataView(buffers[i]);
  });
  return state;
}

class FakeModel {
  constructor(state) {
    this.state = state;
    this.listeners = new Map();
    this.pending = {};
    this.saved = [];
    this.sent = [];
  }
  get(name) { return this.state[name]; }
  set(name, value) {
    this.state[name] = value;
    this.pending[name] = value;
    this._emit(`change:${name}`, value);
  }
  save_changes() {
    this.saved.push(this.pending);
    this.pending = {};
  }
  send(content, callbacks, buffers) { this.sent.push({ content, buffers: buffers || [] }); }
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }
  off(event, callback) {
    if (!event) { this.listeners.clear(); return; }
    if (!callback) { this.listeners.delete(event); return; }
    this.listeners.get(event)?.delete(callback);
  }
  listenerCount() {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
  _emit(event, ...args) {
    for (const cb of [...(this.listeners.get(event) || [])]) cb(...args);
  }
}

const views = [];

window.fsMount = async (state, paths, buffers, bundle) => {
  const module = await import(`/static/${bundle}`);
  const widget = module.default;
  const model = new FakeModel(putBuffers(state, paths, buffers));
  const el = document.createElement("div");
  el.className = "fs-test-view";
  el.dataset.fsView = String(views.length);
  document.getElementById("root").append(el);
  if (widget.initialize) await widget.initialize({ model });
  const cleanup = await widget.render({ model, el });
  views.push({ model, el, cleanup });
  return views.length - 1;
};

// Python -> JS: new trait values (with buffers) replace the model's and fire change events.
window.fsPush = (index, state, paths, buffers) => {
  const { model } = views[index];
  putBuffers(state, paths, buffers);
  for (const [name, value] of Object.entries(state)) {
    model.state[name] = value;
    model._emit(`change:${name}`, value);
  }
};

// Kernel -> JS custom message.
window.fsCustom = (index, content, buffers) => {
  const { model } = views[index];
  model._emit("msg:custom", content, buffers.map(b64ToDataView));
};

// JS -> Python: drain what save_changes() and send() produced.
window.fsDrain = (index) => {
  const { model } = views[index];
  const saved = model.saved;
  const sent = model.sent.map(({ content, buffers }) => ({
    content,
    buffers: buffers.map((b) => {
      const bytes = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      let bin = "";
      for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
      return btoa(bin);
    }),
  }));
  model.saved = [];
  model.sent = [];
  return { saved, sent };
};

window.fsDestroy = (index) => {
  const view = views[index];
  if (view.cleanup) view.cleanup();
  const remaining = view.model.listenerCount();
  view.el.remove();
  return remaining;
};

window.fsReady = true;
