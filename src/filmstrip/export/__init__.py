"""Export views to one self-contained HTML file that opens offline.

``export_html(obj, path)`` (also ``fs.export_html``) for media, widgets, runs and run browsers;
``filmstrip export RUN_DIR... -o report.html`` on the command line; and
``jupyter nbconvert --to filmstrip notebook.ipynb`` (:mod:`filmstrip.export.nbconvert`).
Modules: ``html`` (the entry point), ``page`` (HTML assembly and escaping), ``blobs``
(compressed binary blocks), ``runs`` (the run browser's embedded data), ``select`` (steps and
keys), ``shrink`` (image downscaling).
"""

from filmstrip.export.html import export_html

__all__ = ["export_html"]
