"""Run by tests/test_backends.py in a fresh interpreter with KERAS_BACKEND=jax and TensorFlow hidden
(any import of it fails, as on a machine without it): every gan_utils module imports; a GAN trains
from data.make_dataset, writes its sample grids, is backed up, resumes from the backup and samples;
a mixed-precision step equals the float32 step. (The conditional and critic-step variants read the
same pipeline in backend_step.py.)"""

import importlib
import importlib.abc
import os
import pkgutil
import sys
from pathlib import Path


class HideTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "tensorflow":
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by this test)", name=name)
        return None


sys.meta_path.insert(0, HideTensorFlow())
assert os.environ.get("KERAS_BACKEND") == "jax", "run with KERAS_BACKEND=jax"

import gan_utils  # noqa: E402

for module in pkgutil.iter_modules(gan_utils.__path__):
    importlib.import_module(f"gan_utils.{module.name}")

import numpy as np  # noqa: E402

from gan_utils import callbacks, data, training  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import mixed_precision_step_error, random_images, tiny_gan_models  # noqa: E402

run_dir = Path(sys.argv[1])
images = random_images(32)


def plain_gan():
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    return gan


pipeline = data.make_dataset(images, batch_size=8, seed=0)
assert isinstance(pipeline, data.Batches) and len(pipeline) == 4
grid = callbacks.SampleGrid(run_dir / "frames", n_samples=4, gif_path=run_dir / "samples.gif")
plain_gan().fit(pipeline, epochs=2, verbose=0, callbacks=callbacks.resumable_callbacks(run_dir, sample_grid=grid))
assert sorted(p.name for p in (run_dir / "frames").iterdir()) == ["epoch_0001.png", "epoch_0002.png"]

resumed = plain_gan()  # a new process would build the same objects and find the backup
history = resumed.fit(pipeline, epochs=3, verbose=0, callbacks=callbacks.resumable_callbacks(run_dir))
assert history.epoch == [2], history.epoch
assert int(resumed.g_optimizer.iterations) == 12
samples = resumed.generate(np.random.default_rng(0).normal(size=(3, resumed.latent_dim)).astype("float32"))
assert samples.shape == (3, 28, 28, 1) and np.all(np.isfinite(samples))

# Mixed precision where JAX supports it: float16 compute, the loss scale undone by the optimizer.
for update in ("alternating", "simultaneous"):
    error = mixed_precision_step_error(update)
    assert error < 0.1, f"a mixed_float16 step is {error:.0%} of a step away from the float32 step ({update})"

assert "tensorflow" not in sys.modules
print("trained, resumed and sampled on JAX without TensorFlow")
