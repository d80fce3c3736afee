// anywidget entry for Object3DWidget, and the object3d renderer for the run browser: three.js
// lives only in this bundle, so 2D-only runs never load it.
import { bindMediaModel } from "../host/anywidget.js";
import * as object3d from "../render/object3d.js";
import * as message from "../render/message.js";

export const mount = object3d.mount;

export default {
  render(ctx) {
    return bindMediaModel(ctx, (type) => (type === "object3d" ? object3d : message));
  },
};
