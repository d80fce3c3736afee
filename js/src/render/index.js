// One pure renderer per media type: mount(el, payload, options) -> {update, destroy}.
// `options` carries the view state (trait names, e.g. mask_opacity) and `onChange(patch)`,
// which the host uses to sync interaction back (to Python traits, or to the export's state).
import * as image from "./image.js";
import * as histogram from "./histogram.js";
import * as histogram_series from "./histogram_series.js";
import * as audio from "./audio.js";
import * as video from "./video.js";
import * as table from "./table.js";
import * as html from "./html.js";
import * as scalars from "./scalars.js";
import * as gallery from "./gallery.js";
import * as message from "./message.js";

// audio.js renders both a clip and a list of clips (audio_list).
const RENDERERS = {
  image, gallery, histogram, histogram_series, audio, audio_list: audio, video, table, html, scalars,
};

/** The renderer module for a payload type; a message panel for unknown types. */
export function rendererFor(type) {
  return RENDERERS[type] || message;
}

export function registerRenderer(type, module) {
  RENDERERS[type] = module;
}
