"""``jupyter nbconvert --to filmstrip notebook.ipynb``: a notebook as one offline HTML page whose
filmstrip outputs are live views (run browsers, media widgets) rebuilt from the run store.

The page is nbconvert's JupyterLab-styled HTML with everything that needs a CDN removed
(require.js, the ipywidgets HTML manager, MathJax, mermaid): math stays as its TeX source. Each
filmstrip output becomes a view of :mod:`filmstrip.export.page`:

1. an output carrying :data:`filmstrip.export.refs.VIEW_MIME` names its runs and view state;
2. otherwise the notebook's saved widget state is used: a run browser's ``index`` names each
   run's project and id (found under :func:`filmstrip.export.refs.run_roots`), a media widget's
   saved payload is used when its buffers were saved;
3. a run that is not on this disk, or a widget whose data was not saved, becomes a placeholder
   that says so. Other ipywidgets outputs show their text/plain form.

Options (``--FilmstripExporter.every=10`` etc.): ``steps``, ``every``, ``keys``,
``max_image_size``, as for :func:`filmstrip.export_html`.
"""

from __future__ import annotations

import base64
import copy
from pathlib import Path
from typing import Any

import jinja2
from nbconvert.exporters import HTMLExporter
from traitlets import Int, Unicode, default

from filmstrip.export.page import VIEW_CSS, PageBuilder
from filmstrip.export.refs import VIEW_MIME, MissingRun, find_run_dir, run_roots

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"

# The lab template minus every block that loads a script from a CDN.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_TEMPLATE_NAME = "filmstrip_index.html.j2"


def _saved_widget_states(nb: Any) -> dict[str, Any]:
    return ((nb.metadata.get("widgets") or {}).get(WIDGET_STATE_MIME) or {}).get("state") or {}


def _with_saved_buffers(entry: dict[str, Any]) -> dict[str, Any] | None:
    """A saved widget model's state with its binary buffers put back, or None if they are lost."""
    state = copy.deepcopy(entry.get("state") or {})
    for buffer in entry.get("buffers") or []:
        if buffer.get("encoding") != "base64":
            return None
        node = state
        path = list(buffer["path"])
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = base64.b64decode(buffer["data"])
    return state


def _has_all_buffers(payload: Any) -> bool:
    buffers = payload.get("buffers") if isinstance(payload, dict) else None
    return isinstance(buffers, dict) and all(
        isinstance(b, (bytes, bytearray)) for b in buffers.values()
    )


class FilmstripExporter(HTMLExporter):
    """nbconvert exporter: filmstrip outputs become offline views (``--to filmstrip``)."""

    export_from_notebook = "filmstrip (offline HTML)"
    steps = Unicode(None, allow_none=True, help="'a:b' or 'every:N': steps of runs to export").tag(
        config=True
    )
    every = Int(None, allow_none=True, help="export every N-th step of runs (and the last)").tag(
        config=True
    )
    keys = Unicode(None, allow_none=True, help="comma-separated keys to export (default all)").tag(
        config=True
    )
    max_image_size = Int(None, allow_none=True, help="downscale images to this longer side").tag(
        config=True
    )

    @default("template_file")
    def _template_file_default(self) -> str:
        return _TEMPLATE_NAME

    @default("extra_loaders")
    def _extra_loaders_default(self) -> list:
        return [jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})]

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any):
        nb = copy.deepcopy(nb)
        resources = resources or {}
        notebook_dir = (resources.get("metadata") or {}).get("path") or None
        title = (resources.get("metadata") or {}).get("name") or "notebook"
        builder = PageBuilder(title=title)
        saved = _saved_widget_states(nb)
        self.views_exported = 0
        self.placeholders: list[str] = []
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data")
                if not data or (VIEW_MIME not in data and WIDGET_VIEW_MIME not in data):
                    continue
                html = self._view_for(data, saved, builder, notebook_dir)
                if html is None:  # an ipywidget that is not filmstrip's: keep its text form
                    output["data"] = {"text/plain": data.get("text/plain", "(interactive widget)")}
                else:
                    output["data"] = {"text/html": html}
        # The saved widget state is not used by the page (it would pull the CDN widget manager).
        nb.metadata.pop("widgets", None)
        page, resources = super().from_notebook_node(nb, resources, **kw)
        style = f'<style type="text/css">{VIEW_CSS}</style>\n'
        page = page.replace("</head>", style + "</head>", 1)
        at = page.rfind("</body>")
        page = page[:at] + builder.manifest_html() + page[at:]
        return page, resources

    # -- one output ---------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "every": self.every,
            "keys": self.keys,
            "max_image_size": self.max_image_size,
        }

    def _placeholder(self, builder: PageBuilder, message: str) -> str:
        self.placeholders.append(message)
        self.log.warning("filmstrip: %s", message)
        number = builder.add_view({"kind": "missing", "message": message})
        return builder.view_html(number)

    def _browser(
        self, builder: PageBuilder, runs: list[Any], state: dict[str, Any], notebook_dir: str | None
    ) -> str:
        roots = run_roots(notebook_dir)
        nb_dir = Path(notebook_dir) if notebook_dir else None
        try:
            dirs = [find_run_dir(item, roots, nb_dir) for item in runs]
        except MissingRun as exc:
            return self._placeholder(builder, f"{exc}: this run browser could not be exported")
        from filmstrip.widgets.browser import coerce_runs

        opened = coerce_runs([str(d) for d in dirs])
        from filmstrip.export.runs import browser_export
        from filmstrip.export.select import StepSelection, parse_keys
        from filmstrip.export.shrink import check_max_image_size

        options = self._options()
        exported = browser_export(
            opened,
            StepSelection.parse(options["steps"], options["every"]),
            parse_keys(options["keys"]),
            check_max_image_size(options["max_image_size"]),
            state,
        )
        number = builder.add_view(exported.view, exported.media_types)
        self.views_exported += 1
        return builder.view_html(number)

    def _view_for(
        self,
        data: dict[str, Any],
        saved: dict[str, Any],
        builder: PageBuilder,
        notebook_dir: str | None,
    ) -> str | None:
        ref = data.get(VIEW_MIME)
        if isinstance(ref, dict) and ref.get("kind") == "browser":
            state = {k: v for k, v in ref.items() if k not in ("kind", "runs")}
            return self._browser(builder, list(ref.get("runs") or []), state, notebook_dir)
        model_id = (data.get(WIDGET_VIEW_MIME) or {}).get("model_id")
        entry = saved.get(model_id)
        if entry is None:
            if "filmstrip" in str(data.get("text/plain", "")) or ref is not None:
                return self._placeholder(
                    builder,
                    "a filmstrip view whose widget state was not saved with the notebook "
                    "(re-run the notebook, or save widget state) could not be exported",
                )
            return None
        state = entry.get("state") or {}
        if isinstance(state.get("index"), list) and "panel_state" in state:
            runs = [{"project": run.get("project"), "id": run.get("id")} for run in state["index"]]
            view_state = {
                k: state[k]
                for k in ("shown_keys", "step", "panel_state", "collapsed", "search", "speed")
                if k in state
            }
            return self._browser(builder, runs, view_state, notebook_dir)
        if isinstance(state.get("payload"), dict) and "_view_state_names" in state:
            full = _with_saved_buffers(entry)
            if full is None or not _has_all_buffers(full.get("payload")):
                return self._placeholder(
                    builder,
                    f"this {state['payload'].get('type', 'media')} widget's data was not "
                    "saved with the notebook (JupyterLab drops binary widget data): log it to a "
                    "run and show the run to export it",
                )
            from filmstrip.widgets import widget_class

            cls = widget_class(full["payload"]["type"])
            view_state = {name: full[name] for name in full["_view_state_names"] if name in full}
            from filmstrip.export.shrink import check_max_image_size, shrink_payload

            limit = check_max_image_size(self.max_image_size)
            widget_state = {
                "payload": shrink_payload(full["payload"], limit),
                "_view_state_names": full["_view_state_names"],
                **view_state,
            }
            number = builder.add_view(
                {"kind": "media", "bundle": cls.BUNDLE, "state": widget_state}
            )
            self.views_exported += 1
            return builder.view_html(number)
        return None


__all__ = ["FilmstripExporter"]
