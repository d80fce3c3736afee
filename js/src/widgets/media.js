// anywidget entry point for every 2D media widget (Image, Histogram, Audio, Video, Table, Html,
// scalar chart): the Python class picks the payload, the payload's type picks the renderer.
import { bindMediaModel } from "../host/anywidget.js";
import { rendererFor } from "../render/index.js";

export default {
  render(ctx) {
    return bindMediaModel(ctx, rendererFor);
  },
};
