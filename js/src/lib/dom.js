// DOM helpers. User text (captions, labels, keys, column names) only ever goes in via
// textContent, never innerHTML, so it is shown as text wherever it appears.
import baseCss from "./styles.css";

/**
 * h("div", {class: "fs-x", onclick: fn}, "text", child) -> HTMLElement
 * Strings become text nodes; `on*` attributes become listeners (removed with the element).
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "style" && typeof value === "object") {
      Object.assign(node.style, value);
    } else if (name === "text") {
      node.textContent = String(value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Mark a widget root: notebook shortcuts must not eat keys pressed inside it, and the base
 * stylesheet is attached once per root.
 */
export function widgetRoot(el, className) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  // JupyterLab tests the focused element itself against its command-mode shortcut selector
  // before looking at ancestors, so every control that takes focus must carry the attribute:
  // mark whatever gets focus inside the root (canvases of three.js and 3Dmol included).
  if (!el.__fsFocusMarker) {
    el.__fsFocusMarker = (event) => {
      const target = event.target;
      if (target instanceof Element && !target.hasAttribute("data-lm-suppress-shortcuts")) {
        target.setAttribute("data-lm-suppress-shortcuts", "true");
      }
    };
    el.addEventListener("focusin", el.__fsFocusMarker);
  }
  el.classList.add("fs-root");
  if (className) el.classList.add(className);
  if (!el.querySelector(":scope > style[data-fs-base]")) {
    const style = document.createElement("style");
    style.setAttribute("data-fs-base", "");
    style.textContent = baseCss;
    el.prepend(style);
  }
  return el;
}

/** Undo widgetRoot's listener (call from the view's cleanup). */
export function releaseWidgetRoot(el) {
  if (el.__fsFocusMarker) {
    el.removeEventListener("focusin", el.__fsFocusMarker);
    delete el.__fsFocusMarker;
  }
}

/** addEventListener that returns its own remover, for destroy() bookkeeping. */
export function listen(target, type, handler, options) {
  target.addEventListener(type, handler, options);
  return () => target.removeEventListener(type, handler, options);
}
