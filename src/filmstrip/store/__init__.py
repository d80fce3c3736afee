"""Run storage: the Run object, the disk and memory backends, and the active-run session."""

from filmstrip.store.run import Config, Run, Summary
from filmstrip.store.session import finish, init, log, open, runs
from filmstrip.store.writer import WriterError

__all__ = ["Config", "Run", "Summary", "WriterError", "finish", "init", "log", "open", "runs"]
