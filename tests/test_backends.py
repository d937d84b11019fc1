"""The one train step on Keras' TensorFlow and JAX backends: every variant's step from the same
weights and inputs gives the same losses and weights on both (``tests/backend_step.py`` runs it
once per backend, each in its own interpreter, since Keras picks its backend at import)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

STEP_SCRIPT = Path(__file__).resolve().parent / "backend_step.py"


def run_on(backend, *paths):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, str(STEP_SCRIPT), *map(str, paths)], capture_output=True, text=True,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def test_every_variant_takes_the_same_step_on_tensorflow_and_jax(tmp_path):
    start, outputs = tmp_path / "start.npz", {backend: tmp_path / f"{backend}.npz" for backend in ("tensorflow", "jax")}
    run_on("tensorflow", start)
    for backend, path in outputs.items():
        run_on(backend, path, start)
    tf_results, jax_results = (np.load(path) for path in outputs.values())
    assert sorted(tf_results.files) == sorted(jax_results.files)
    compared = [key for key in tf_results.files if not key.startswith("random/")]
    variants = {key.split("/")[0] for key in compared}
    assert variants == {"alternating", "alternating_fresh_noise", "simultaneous", "wgan_clip_critic_steps",
                        "hinge_r1_ema", "conditional", "acgan"}
    for key in compared:
        # Measured: at most 5e-7 apart after two SGD steps; float32 rounding differs between the
        # backends' kernels, so the bound is float32's, not equality.
        np.testing.assert_allclose(jax_results[key], tf_results[key], rtol=1e-5, atol=1e-5, err_msg=key)
    assert any("/log/r1_penalty" in key for key in compared) and any("/log/class_loss" in key for key in compared)
    for key in tf_results.files:
        if key.startswith("random/"):  # penalties' and augmentation's random draws differ by backend
            assert np.isfinite(tf_results[key]) and np.isfinite(jax_results[key]), key
    assert "random/wgan_gp/log/gradient_penalty" in jax_results.files


def test_the_jax_path_imports_and_trains_without_tensorflow(tmp_path):
    """Issue 17's promise: on JAX, gan_utils needs no TensorFlow (the script hides it from imports)."""
    env = dict(os.environ, KERAS_BACKEND="jax")
    script = Path(__file__).resolve().parent / "jax_without_tensorflow.py"
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "run")], capture_output=True, text=True,
                            env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "without TensorFlow" in result.stdout
