// anywidget entry for MoleculeWidget, and the molecule renderer for the run browser: 3Dmol.js
// lives only in this bundle, so runs without molecules never load it.
import { bindMediaModel } from "../host/anywidget.js";
import * as molecule from "../render/molecule.js";
import * as message from "../render/message.js";

export const mount = molecule.mount;

export default {
  render(ctx) {
    return bindMediaModel(ctx, (type) => (type === "molecule" ? molecule : message));
  },
};
