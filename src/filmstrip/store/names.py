"""Validate and generate run names, project names, run ids and history keys.

Project names, run names and ids become directory names under the runs root, so they are
checked strictly: no path separators, no ``..``, no NUL or control characters, not empty,
at most 128 characters. A name that passes can never make a path escape the root.
"""

from __future__ import annotations

import secrets
import string
import unicodedata

MAX_NAME_LENGTH = 128
RESERVED_KEYS = ("_step", "_time", "_runtime")

_ID_ALPHABET = string.ascii_lowercase + string.digits
_ADJECTIVES = (
    "amber", "brave", "calm", "dapper", "eager", "fancy", "gentle", "happy", "icy", "jolly",
    "keen", "lively", "merry", "noble", "olive", "proud", "quiet", "rapid", "silent", "tidy",
    "upbeat", "vivid", "witty", "young", "zesty",
)
_NOUNS = (
    "aurora", "breeze", "comet", "dawn", "ember", "fjord", "glade", "harbor", "island", "jungle",
    "kelp", "lagoon", "meadow", "nebula", "orbit", "pebble", "quartz", "river", "sky", "tide",
    "valley", "wave", "yonder", "zephyr", "forest",
)
# Names that mean something special to file systems (Windows devices included, so a run
# directory copied to another machine stays valid).
_RESERVED_FILE_NAMES = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {
    f"lpt{i}" for i in range(10)
}


def validate_path_name(kind: str, value: object) -> str:
    """Return ``value`` if it is safe as one directory name, else raise ValueError/TypeError.

    ``kind`` ("project", "name", "id") is used in the error message.
    """
    if not isinstance(value, str):
        raise TypeError(f"{kind}: expected a str, got {type(value).__name__}: {value!r}")
    problem = None
    if not value or not value.strip():
        problem = "is empty"
    elif len(value) > MAX_NAME_LENGTH:
        problem = f"is {len(value)} characters long (at most {MAX_NAME_LENGTH})"
    elif value in (".", "..") or ".." in value:
        problem = "contains '..'"
    elif "/" in value or "\\" in value:
        problem = "contains a path separator ('/' or '\\')"
    elif any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        problem = "contains a NUL or control character"
    elif value != value.strip() or value.endswith("."):
        problem = "starts or ends with whitespace, or ends with '.'"
    elif value.split(".")[0].lower() in _RESERVED_FILE_NAMES:
        problem = "is a reserved device name on some file systems"
    elif any(ch in value for ch in ':*?"<>|'):
        problem = 'contains one of : * ? " < > |'
    if problem:
        raise ValueError(
            f"{kind} {value!r} {problem}; use 1-{MAX_NAME_LENGTH} characters without "
            "path separators, '..', control characters or : * ? \" < > |"
        )
    return value


def validate_key(key: object) -> str:
    """Return ``key`` if it can name a logged value, else raise TypeError/ValueError."""
    if not isinstance(key, str):
        raise TypeError(
            f"log key {key!r}: keys must be str, got {type(key).__name__}"
        )
    if not key:
        raise ValueError("log key '': keys must be non-empty strings")
    if key.startswith("_"):
        raise ValueError(
            f"log key {key!r}: keys starting with '_' are reserved "
            f"({', '.join(RESERVED_KEYS)}); rename it"
        )
    if "\x00" in key:
        raise ValueError(f"log key {key!r}: contains a NUL character")
    return key


def generate_id(length: int = 8) -> str:
    """A short random run id, e.g. ``'k3x9q2ab'``."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def generate_name() -> str:
    """A readable random run name, e.g. ``'brave-comet-42'``."""
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{secrets.randbelow(100)}"
