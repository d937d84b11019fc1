"""gan_utils: what the GAN notebooks share (data, model builders, one training core, callbacks,
plots). Modules are imported on use, so ``import gan_utils`` stays fast."""

import os

# TensorFlow's C++ start-up chatter hides the notebook's own output; users can still override this.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from gan_utils.smoke import banner, pick, smoke_mode  # noqa: E402

__version__ = "0.1.0"
__all__ = ["banner", "pick", "smoke_mode", "__version__"]
