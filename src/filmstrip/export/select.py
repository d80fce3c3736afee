"""Which steps and keys an export includes (``steps=``, ``every=``, ``keys=`` and the CLI flags).

``steps`` accepts None (all), ``"a:b"`` / ``"a:"`` / ``":b"`` (an inclusive range of step
numbers), ``"every:N"``, a ``range``/``slice`` of step numbers, or an iterable of ints (exactly
those steps). ``every=N`` then keeps every N-th of the remaining steps of each key, always
including its last one (the state a reader most wants to see).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_STEPS_ACCEPTED = (
    "None (all), 'a:b' / 'a:' / ':b' (inclusive step range), 'every:N', a range or slice of "
    "steps, or a list of int steps"
)


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: expected an int, got {type(value).__name__} {value!r}")
    return int(value)


def _parse_bound(text: str, spec: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"steps: could not read {spec!r}; accepted: {_STEPS_ACCEPTED}") from None


@dataclass(frozen=True)
class StepSelection:
    """A parsed step selection; :meth:`pick` applies it to one key's logged steps.

    >>> StepSelection.parse("10:20", every=None).pick(list(range(0, 40, 5)))
    [10, 15, 20]
    >>> StepSelection.parse("every:3", every=None).pick(list(range(8)))
    [0, 3, 6, 7]
    """

    low: int | None = None
    high: int | None = None
    exact: frozenset[int] | None = None
    every: int = 1

    @classmethod
    def parse(cls, steps: Any, every: Any) -> StepSelection:
        every_n = 1 if every is None else _int(every, "every")
        if every_n < 1:
            raise ValueError(
                f"every: expected a positive int (keep every N-th step), got {every_n}"
            )
        if steps is None:
            return cls(every=every_n)
        if isinstance(steps, str):
            spec = steps.strip()
            if spec.startswith("every:"):
                n = _parse_bound(spec[len("every:") :], steps)
                if n is None or n < 1 or every is not None:
                    raise ValueError(
                        f"steps: {steps!r} needs a positive N and no separate every= argument"
                    )
                return cls(every=n)
            if ":" not in spec:
                raise ValueError(f"steps: could not read {steps!r}; accepted: {_STEPS_ACCEPTED}")
            low_text, high_text = spec.split(":", 1)
            low, high = _parse_bound(low_text, steps), _parse_bound(high_text, steps)
            if low is not None and high is not None and low > high:
                raise ValueError(f"steps: range {steps!r} is empty (start {low} > end {high})")
            return cls(low=low, high=high, every=every_n)
        if isinstance(steps, slice):
            if steps.step not in (None, 1):
                raise ValueError("steps: a slice with a stride is ambiguous; use every=N instead")
            high = None if steps.stop is None else _int(steps.stop, "steps.stop") - 1
            low = None if steps.start is None else _int(steps.start, "steps.start")
            return cls(low=low, high=high, every=every_n)
        if isinstance(steps, range):
            return cls(exact=frozenset(steps), every=every_n)
        if isinstance(steps, Iterable) and not isinstance(steps, (bytes, dict)):
            return cls(
                exact=frozenset(_int(s, f"steps[{i}]") for i, s in enumerate(steps)), every=every_n
            )
        raise TypeError(f"steps: got {type(steps).__name__} {steps!r}; accepted: {_STEPS_ACCEPTED}")

    def in_range(self, step: int) -> bool:
        if self.exact is not None and step not in self.exact:
            return False
        if self.low is not None and step < self.low:
            return False
        return self.high is None or step <= self.high

    def pick(self, steps: Sequence[int]) -> list[int]:
        """The steps kept out of one key's sorted logged steps."""
        kept = [s for s in steps if self.in_range(s)]
        if self.every == 1 or not kept:
            return kept
        thinned = kept[:: self.every]
        if thinned[-1] != kept[-1]:
            thinned.append(kept[-1])
        return thinned

    def describe(self) -> str:
        parts = []
        if self.exact is not None:
            parts.append(f"{len(self.exact)} chosen steps")
        if self.low is not None or self.high is not None:
            low = "" if self.low is None else self.low
            high = "" if self.high is None else self.high
            parts.append(f"steps {low}:{high}")
        if self.every > 1:
            parts.append(f"every {self.every} steps and the last")
        return ", ".join(parts) or "all steps"


def parse_keys(keys: Any) -> list[str] | None:
    """``keys=``: None (all), a comma-separated string, or an iterable of key strings."""
    if keys is None:
        return None
    if isinstance(keys, str):
        parsed = [k.strip() for k in keys.split(",") if k.strip()]
    elif isinstance(keys, Iterable) and not isinstance(keys, (bytes, dict)):
        parsed = list(keys)
        for i, key in enumerate(parsed):
            if not isinstance(key, str) or not key:
                raise TypeError(f"keys[{i}]: expected a non-empty key string, got {key!r}")
    else:
        raise TypeError(
            f"keys: expected None, 'k1,k2' or a list of key strings, got {type(keys).__name__}"
        )
    if not parsed:
        raise ValueError(f"keys: {keys!r} names no key; pass None to export every key")
    return parsed


def check_known_keys(wanted: list[str], logged: Iterable[str]) -> None:
    """ValueError naming the logged keys when a wanted key was never logged in any run."""
    logged = list(dict.fromkeys(logged))
    missing = [k for k in wanted if k not in logged]
    if missing:
        raise ValueError(
            f"keys: {', '.join(map(repr, missing))} not logged in the exported run(s); logged "
            f"keys: {', '.join(map(repr, logged)) or 'none'}"
        )
