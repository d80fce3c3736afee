// Binds an anywidget model to a pure renderer: payload and view-state traits flow in,
// interaction (onChange patches) flows back as trait updates that Python can read.
import { releaseWidgetRoot, widgetRoot } from "../lib/dom.js";

/**
 * @param {{model: any, el: HTMLElement}} ctx
 * @param {(type: string) => {mount: Function}} rendererFor
 * @returns {() => void} cleanup
 */
export function bindMediaModel({ model, el }, rendererFor) {
  widgetRoot(el, "fs-media");
  const stateNames = model.get("_view_state_names") || [];
  const onChange = (patch) => {
    for (const [name, value] of Object.entries(patch)) model.set(name, value);
    model.save_changes();
  };
  const options = () => {
    const opts = { onChange };
    for (const name of stateNames) opts[name] = model.get(name);
    return opts;
  };
  let payload = model.get("payload");
  let type = payload && payload.type;
  let view = rendererFor(type).mount(el, payload, options());

  const onPayload = () => {
    payload = model.get("payload");
    if (payload && payload.type !== type) {
      view.destroy();
      type = payload.type;
      view = rendererFor(type).mount(el, payload, options());
    } else {
      view.update(payload, options());
    }
  };
  const onState = () => view.update(payload, options());
  model.on("change:payload", onPayload);
  for (const name of stateNames) model.on(`change:${name}`, onState);
  return () => {
    model.off("change:payload", onPayload);
    for (const name of stateNames) model.off(`change:${name}`, onState);
    view.destroy();
    releaseWidgetRoot(el);
  };
}
