// A model-like object for the HTML export: the anywidget model interface (get/set/on/off/
// save_changes/send) over a plain state object, with no kernel behind it. Widgets and renderers
// written against an anywidget model work unchanged; view-state changes stay in the page.

/**
 * @param {Record<string, any>} state  initial trait values (payload buffers already decoded)
 * @returns model with get/set/on/off/save_changes/send, plus listenerCount() for tests
 */
export function staticModel(state) {
  const values = { ...state };
  const listeners = new Map(); // event name -> Set of callbacks

  const emit = (event, ...args) => {
    for (const cb of [...(listeners.get(event) || [])]) cb(...args);
  };

  return {
    get(name) {
      return values[name];
    },
    set(name, value) {
      if (values[name] === value) return;
      values[name] = value;
      emit(`change:${name}`, value);
    },
    // Nothing to sync to: the export has no kernel. The state lives as long as the page.
    save_changes() {},
    send() {},
    on(event, callback) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(callback);
    },
    off(event, callback) {
      if (!event) listeners.clear();
      else if (!callback) listeners.delete(event);
      else listeners.get(event)?.delete(callback);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}
