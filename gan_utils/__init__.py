"""gan_utils: what the GAN notebooks share (data, model builders, one training core, callbacks,
plots). Modules are imported on use, so ``import gan_utils`` stays fast."""

import os

# TensorFlow's C++ log (set before TensorFlow loads) hides a notebook's own output: at level 3 it
# keeps quiet about harmless graph-optimizer "errors" too; real failures still raise in Python.
# Users can still override it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gan_utils.smoke import banner, check, pick, smoke_mode  # noqa: E402

__version__ = "0.1.0"
__all__ = ["banner", "check", "pick", "smoke_mode", "__version__"]
