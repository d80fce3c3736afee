// anywidget entry point of the run browser (RunBrowser in src/filmstrip/widgets/browser.py): the
// shell reads the model only through the data source, which the HTML export replaces.
import { mountBrowser } from "../browser/shell.js";
import { modelSource } from "../host/source.js";

export default {
  render({ model, el }) {
    const source = modelSource(model);
    const view = mountBrowser(el, source);
    return () => {
      view.destroy();
      source.close();
    };
  },
};
