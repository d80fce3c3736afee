"""`%load_ext filmstrip`: the ``%filmstrip`` magics and auto-logging of what cells show.

While a run is active, every cell that displays filmstrip media or matplotlib figures, or that
changes a watched variable, becomes one step of the run::

    %load_ext filmstrip
    %filmstrip init my-project first-try
    %filmstrip watch loss weights
    # ... cells run; each logs `loss` (scalar), `weights` (histogram) and shown figures ...
    %filmstrip show          # the run browser of the current run
    %filmstrip finish

Displayed objects are seen at the one place every display goes through
(``DisplayFormatter.format``), so ``display(x)``, a cell's last value and matplotlib's inline
figures are all caught the same way. Loading the extension imports nothing heavy.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from typing import Any

from IPython.core.error import UsageError

USAGE = """\
%filmstrip init [PROJECT] [NAME]   start a run (finishes the active one)
%filmstrip status                  show the active run, watched variables, auto-logging
%filmstrip watch VAR [VAR ...]     log these variables after every cell
%filmstrip unwatch VAR [VAR ...]   stop logging them (`unwatch --all` for all)
%filmstrip show                    display the run browser of the active run
%filmstrip export PATH             write the active run as one offline HTML file
%filmstrip finish                  finish the active run
%filmstrip off | on                pause / resume auto-logging of displayed media and figures
%%filmstrip [KEY_PREFIX]           (cell magic) run the cell and log the media it creates
"""


class FilmstripUsageError(UsageError, ValueError):
    """Bad arguments to %filmstrip; IPython shows the message (with the usage) without a traceback."""


@dataclass
class _State:
    watched: list[str] = field(default_factory=list)
    autolog: bool = True
    displayed: list[Any] = field(default_factory=list)
    capturing: bool = True
    warned: set[str] = field(default_factory=set)


def _usage_error(message: str) -> FilmstripUsageError:
    return FilmstripUsageError(f"{message}\n\nusage:\n{USAGE}")


def _is_figure(value: Any) -> bool:
    mpl = sys.modules.get("matplotlib.figure")
    return mpl is not None and isinstance(value, mpl.Figure)


def _figure_to_image(figure: Any) -> Any:
    from filmstrip.media.image import Image

    return Image(figure)


def value_to_loggable(name: str, value: Any) -> Any:
    """What a watched variable becomes in the run, or None when it can't be logged.

    Numbers are scalars; arrays shaped like images (HxW with both sides >= 8, HxWx1/3/4) become
    images, other numeric arrays histograms; PIL images and matplotlib figures become images;
    filmstrip media (and lists of them) are logged as they are.
    """
    from filmstrip.media.base import Media

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Media):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Media) for v in value):
        return list(value)
    if _is_figure(value):
        return _figure_to_image(value)
    pil = sys.modules.get("PIL.Image")
    if pil is not None and isinstance(value, pil.Image):
        from filmstrip.media.image import Image

        return Image(value)
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "__array__") or isinstance(value, np.ndarray):
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            return None
        if array.ndim == 0:
            return array.item()
        looks_like_image = (array.ndim == 2 and min(array.shape) >= 8) or (
            array.ndim == 3 and array.shape[-1] in (1, 3, 4) and min(array.shape[:2]) >= 8
        )
        if looks_like_image and np.isfinite(array).all():
            from filmstrip.media.image import Image

            return Image(array)
        from filmstrip.media.histogram import Histogram

        return Histogram(array)
    return None


class _Extension:
    """Holds the extension's state for one shell and implements the magics and hooks."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.state = _State()
        self._original_format = None

    # --- hooks ------------------------------------------------------------------------------
    def install(self) -> None:
        formatter = self.shell.display_formatter
        original = formatter.format
        self._original_format = original
        state = self.state

        def format_and_record(obj, include=None, exclude=None):
            if state.capturing and _active_run() is not None:
                from filmstrip.media.base import Media

                if isinstance(obj, Media) or _is_figure(obj):
                    state.displayed.append(obj)
            return original(obj, include=include, exclude=exclude)

        formatter.format = format_and_record
        self.shell.events.register("pre_run_cell", self.pre_run_cell)
        self.shell.events.register("post_run_cell", self.post_run_cell)

    def uninstall(self) -> None:
        if self._original_format is not None:
            self.shell.display_formatter.format = self._original_format
        for name, hook in (("pre_run_cell", self.pre_run_cell), ("post_run_cell", self.post_run_cell)):
            try:
                self.shell.events.unregister(name, hook)
            except ValueError:
                pass

    def pre_run_cell(self, info: Any = None) -> None:
        self.state.displayed.clear()

    def post_run_cell(self, result: Any = None) -> None:
        run = _active_run()
        if run is None:
            self.state.displayed.clear()
            return
        data = self._collect_step()
        self.state.displayed.clear()
        if data:
            run.log(data)

    def _collect_step(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self.state.watched:
            if name not in self.shell.user_ns:
                continue
            loggable = value_to_loggable(name, self.shell.user_ns[name])
            if loggable is None:
                if name not in self.state.warned:
                    self.state.warned.add(name)
                    print(
                        f"filmstrip: watched variable {name!r} of type "
                        f"{type(self.shell.user_ns[name]).__name__} cannot be logged "
                        "(numbers, arrays, PIL images, figures and filmstrip media can)",
                        file=sys.stderr,
                    )
                continue
            data[name] = loggable
        if self.state.autolog:
            counts: dict[str, int] = {}
            for obj in self.state.displayed:
                value = _figure_to_image(obj) if _is_figure(obj) else obj
                kind = "figure" if _is_figure(obj) else value.TYPE
                counts[kind] = counts.get(kind, 0) + 1
                key = f"display/{kind}" if counts[kind] == 1 else f"display/{kind}_{counts[kind]}"
                data[key] = value
        return data

    # --- %filmstrip -------------------------------------------------------------------------
    def line_magic(self, line: str) -> Any:
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise _usage_error(f"%filmstrip: cannot parse arguments ({exc})") from None
        if not words:
            raise _usage_error("%filmstrip needs a command")
        command, args = words[0], words[1:]
        handler = getattr(self, f"cmd_{command}", None)
        if handler is None:
            raise _usage_error(f"%filmstrip: unknown command {command!r}")
        return handler(args)

    def cmd_init(self, args: list[str]) -> Any:
        if len(args) > 2:
            raise _usage_error("%filmstrip init takes at most PROJECT and NAME")
        from filmstrip.store import session

        project = args[0] if args else None
        name = args[1] if len(args) > 1 else None
        run = session.init(project=project, name=name)
        print(f"filmstrip: run {run.name} ({run.id}) in project {run.project}: {run.path}")

    def cmd_status(self, args: list[str]) -> None:
        if args:
            raise _usage_error("%filmstrip status takes no arguments")
        run = _active_run()
        if run is None:
            print("filmstrip: no active run (start one with `%filmstrip init`)")
        else:
            steps = max((max(info["steps"], default=-1) for info in run.index().values()), default=-1)
            print(f"filmstrip: run {run.name} ({run.id}), project {run.project}, "
                  f"status {run.status}, {steps + 1} steps, at {run.path}")
        watched = ", ".join(self.state.watched) or "none"
        print(f"watched variables: {watched}")
        print(f"auto-logging of displayed media and figures: {'on' if self.state.autolog else 'off'}")

    def cmd_watch(self, args: list[str]) -> None:
        if not args:
            raise _usage_error("%filmstrip watch needs at least one variable name")
        for name in args:
            if not name.isidentifier():
                raise _usage_error(f"%filmstrip watch: {name!r} is not a variable name")
            if name not in self.state.watched:
                self.state.watched.append(name)
        print(f"filmstrip: watching {', '.join(self.state.watched)}")

    def cmd_unwatch(self, args: list[str]) -> None:
        if not args:
            raise _usage_error("%filmstrip unwatch needs variable names or --all")
        if args == ["--all"]:
            self.state.watched.clear()
        else:
            unknown = [name for name in args if name not in self.state.watched]
            if unknown:
                watched = ", ".join(self.state.watched) or "none"
                raise _usage_error(
                    f"%filmstrip unwatch: not watched: {', '.join(unknown)} (watched: {watched})"
                )
            self.state.watched = [n for n in self.state.watched if n not in args]
        print(f"filmstrip: watching {', '.join(self.state.watched) or 'nothing'}")

    def cmd_show(self, args: list[str]) -> Any:
        if args:
            raise _usage_error("%filmstrip show takes no arguments")
        run = _require_run("show")
        from filmstrip.widgets.browser import RunBrowser

        return RunBrowser(run)

    def cmd_export(self, args: list[str]) -> None:
        if len(args) != 1:
            raise _usage_error("%filmstrip export needs exactly one PATH")
        run = _require_run("export")
        from filmstrip.export.html import export_html

        export_html(run, args[0])

    def cmd_finish(self, args: list[str]) -> None:
        if args:
            raise _usage_error("%filmstrip finish takes no arguments")
        run = _require_run("finish")
        from filmstrip.store import session

        session.finish()
        print(f"filmstrip: finished run {run.name} ({run.id})")

    def cmd_off(self, args: list[str]) -> None:
        if args:
            raise _usage_error("%filmstrip off takes no arguments")
        self.state.autolog = False
        print("filmstrip: auto-logging of displayed media and figures is off")

    def cmd_on(self, args: list[str]) -> None:
        if args:
            raise _usage_error("%filmstrip on takes no arguments")
        self.state.autolog = True
        print("filmstrip: auto-logging of displayed media and figures is on")

    def cmd_help(self, args: list[str]) -> None:
        print(USAGE)

    # --- %%filmstrip ------------------------------------------------------------------------
    def cell_magic(self, line: str, cell: str) -> None:
        words = line.split()
        if len(words) > 1:
            raise _usage_error("%%filmstrip takes at most one KEY_PREFIX")
        prefix = (words[0].rstrip("/") + "/") if words else ""
        run = _require_run("%%filmstrip")
        from filmstrip.media.base import Media

        before = {name: id(value) for name, value in self.shell.user_ns.items()}
        # The explicit cell magic logs its own step; keep the post-cell hook from logging twice.
        self.state.capturing = False
        try:
            result = self.shell.run_cell(cell, store_history=False)
        finally:
            self.state.capturing = True
        data: dict[str, Any] = {}
        for name, value in self.shell.user_ns.items():
            if name.startswith("_") or before.get(name) == id(value):
                continue
            if isinstance(value, Media) or _is_figure(value) or (
                isinstance(value, (list, tuple)) and value and all(isinstance(v, Media) for v in value)
            ):
                data[prefix + name] = value_to_loggable(name, value)
        if data:
            run.log(data)
            print(f"filmstrip: logged {', '.join(sorted(data))}")
        if result.error_in_exec is not None:
            raise result.error_in_exec


def _active_run() -> Any:
    session = sys.modules.get("filmstrip.store.session")
    run = getattr(session, "run", None) if session is not None else None
    if run is not None and getattr(run, "status", "running") != "running":
        return None
    return run


def _require_run(what: str) -> Any:
    run = _active_run()
    if run is None:
        raise _usage_error(f"%filmstrip {what}: no active run; start one with `%filmstrip init`")
    return run


_EXTENSIONS: dict[int, _Extension] = {}


def load_ipython_extension(shell: Any) -> None:
    """Register ``%filmstrip``/``%%filmstrip`` and the post-cell logging hook."""
    if id(shell) in _EXTENSIONS:
        return
    extension = _Extension(shell)
    extension.install()
    _EXTENSIONS[id(shell)] = extension

    def filmstrip_line(line: str) -> Any:
        return extension.line_magic(line)

    def filmstrip_cell(line: str, cell: str) -> Any:
        return extension.cell_magic(line, cell)

    filmstrip_line.__doc__ = USAGE
    filmstrip_cell.__doc__ = USAGE
    shell.register_magic_function(filmstrip_line, "line", "filmstrip")
    shell.register_magic_function(filmstrip_cell, "cell", "filmstrip")


def unload_ipython_extension(shell: Any) -> None:
    extension = _EXTENSIONS.pop(id(shell), None)
    if extension is not None:
        extension.uninstall()
