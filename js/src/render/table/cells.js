// Media cells: each {"$media": k} cell is rebuilt into its child payload (sharing the parent's
// buffers) and mounted with that type's renderer in compact mode; image cells use the image
// renderer with its overlays. The returned function destroys the cell's view.
import { mount as mountImage } from "../image.js";
import { rendererFor } from "../index.js";
import { childPayload } from "../../lib/nested.js";

export function mediaCellMounter(payload, thumbHeight) {
  const children = new Map(); // media index -> child payload (built on first use)
  const child = (k) => {
    if (!children.has(k)) children.set(k, childPayload(payload.media[k], payload.buffers));
    return children.get(k);
  };
  return (el, k) => {
    let view;
    try {
      const p = child(k);
      el.dataset.media = p.type;
      const options = { compact: true, nested: true, max_height: thumbHeight };
      view = p.type === "image" ? mountImage(el, p, options) : rendererFor(p.type).mount(el, p, options);
    } catch (err) {
      el.textContent = `cannot show media cell: ${err.message}`;
      return null;
    }
    return () => view.destroy();
  };
}
