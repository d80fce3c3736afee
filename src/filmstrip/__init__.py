"""filmstrip: log rich media step by step and browse it inside Jupyter, offline.

    import filmstrip as fs
    run = fs.init(project="seg", name="unet", config={"lr": 3e-4})
    run.log({"examples": [fs.Image(x, masks=..., boxes=...)], "loss": 0.3})
    run.finish()
    run            # as a cell's last expression: the run browser

The public API is exactly what this module exports.
"""

from typing import Any

from filmstrip.media import (
    Audio,
    Histogram,
    Html,
    Image,
    Molecule,
    Object3D,
    Table,
    Video,
)
from filmstrip.store.session import finish, init, log, open, runs

__version__ = "0.1.0"

__all__ = [
    "Audio", "Browser", "Histogram", "Html", "Image", "Molecule", "Object3D", "Table", "Video",
    "config", "export_html", "finish", "init", "load_ipython_extension", "log", "open", "run",
    "runs", "summary",
]


def load_ipython_extension(shell: Any) -> None:
    """`%load_ext filmstrip`: the %filmstrip magics and auto-logging (see filmstrip.ipython)."""
    from filmstrip.ipython import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: Any) -> None:
    from filmstrip.ipython import unload_ipython_extension as unload

    unload(shell)


def __getattr__(name: str) -> Any:
    # Attributes that follow the active run, and heavy parts imported only when used.
    if name in ("run", "config", "summary"):
        from filmstrip.store import session

        active = session.run
        if name == "run" or active is None:
            return active
        return getattr(active, name)
    if name == "Browser":
        from filmstrip.widgets.browser import RunBrowser

        return RunBrowser
    if name == "export_html":
        from filmstrip.export.html import export_html

        return export_html
    raise AttributeError(f"module 'filmstrip' has no attribute {name!r}")
