"""Resuming: an interrupted run continues where it stopped and ends where an uninterrupted one ends."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import imageio.v3 as iio
import numpy as np
import pytest
import tensorflow as tf

from gan_utils import callbacks, data, training

from helpers import random_images, tiny_gan_models

ROOT = Path(__file__).resolve().parents[1]
EPOCHS = 4  # killed after the third frame: at least one epoch is left to resume


def train_command(run_dir, gif_dir, epochs=EPOCHS):
    return [sys.executable, "-m", "gan_utils", "train", "dcgan_mnist_5k", "--smoke", "--epochs", str(epochs),
            "--run-dir", str(run_dir), "--gif-dir", str(gif_dir), "--no-score"]


# SIGKILL only: nothing can run on it (no handler, no flush), so it is the harder case of the two a
# Colab disconnect or a Ctrl-C produce; SIGTERM went through the same path and cost a minute of CI.
# On both Keras backends the package trains on (JAX: gan_utils.steps).
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
@pytest.mark.parametrize("stop_signal", [signal.SIGKILL], ids=["SIGKILL"])
def test_killed_training_resumes_and_ends_like_an_uninterrupted_run(tmp_path, stop_signal, backend, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", backend)  # the training subprocesses inherit it
    interrupted_runs, interrupted_gifs = tmp_path / "a" / "runs", tmp_path / "a" / "gifs"
    frames = interrupted_runs / "dcgan_mnist_5k" / "frames"
    process = subprocess.Popen(train_command(interrupted_runs, interrupted_gifs, EPOCHS), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while not (frames / "epoch_0003.png").exists():
        assert process.poll() is None, "training ended before it could be interrupted"
        assert time.monotonic() < deadline, "no third frame within 4 minutes"
        time.sleep(0.05)
    process.send_signal(stop_signal)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert not (interrupted_gifs / "dcgan_mnist_5k.gif").exists()
    backup = json.loads((interrupted_runs / "dcgan_mnist_5k" / "backup" / "training_metadata.json").read_text())
    assert 2 <= backup["epoch"] < EPOCHS

    resumed = subprocess.run(train_command(interrupted_runs, interrupted_gifs, EPOCHS), cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert f"Epoch {backup['epoch'] + 1}/{EPOCHS}" in resumed.stdout  # it did not start again at 1
    assert "Epoch 1/" not in resumed.stdout

    # What an uninterrupted run leaves (tests/test_cli.py checks it on a straight run): every epoch
    # once in the history, one frame per epoch, a GIF of them all.
    summary = json.loads((interrupted_runs / "dcgan_mnist_5k" / "summary.json").read_text())
    assert summary["epochs_completed"] == EPOCHS
    assert len(summary["history"]["d_loss"]) == EPOCHS
    assert [Path(p).name for p in summary["outputs"]["frames"]] == [f"epoch_{e:04d}.png" for e in range(1, EPOCHS + 1)]
    assert iio.imread(interrupted_gifs / "dcgan_mnist_5k.gif", index=None).shape[0] == EPOCHS


def test_running_a_finished_fit_again_trains_nothing(tmp_path):
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    pipeline = data.make_dataset(random_images(16), batch_size=8, seed=0)
    gan.fit(pipeline, epochs=2, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    weights = [w.copy() for w in gan.generator.get_weights()]
    again = gan.fit(pipeline, epochs=2, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    assert again.history == {} or all(len(v) == 0 for v in again.history.values())
    for before, after in zip(weights, gan.generator.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert len(callbacks.read_history(tmp_path / "history.csv")["d_loss"]) == 2


def test_resume_restores_optimizer_state_and_epoch(tmp_path):
    def make():
        gan = training.GAN(*tiny_gan_models(), seed=0)
        gan.compile()
        return gan

    pipeline = data.make_dataset(random_images(16), batch_size=8, seed=0)
    first = make()
    first.fit(pipeline, epochs=2, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    iterations = int(first.d_optimizer.iterations.numpy())
    assert iterations == 4

    second = make()  # a fresh process / kernel: new objects, same run folder
    history = second.fit(pipeline, epochs=3, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    assert history.epoch == [2]  # only the third epoch ran
    assert int(second.d_optimizer.iterations.numpy()) == iterations + 2
    assert int(second.g_optimizer.iterations.numpy()) == iterations + 2


def test_nan_stops_training_and_keeps_the_last_good_backup(tmp_path):
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    clean = random_images(16)
    gan.fit(data.make_dataset(clean, batch_size=8, seed=0), epochs=2, verbose=0,
            callbacks=callbacks.resumable_callbacks(tmp_path))
    # make_dataset refuses NaN images, so the poisoned batches go in through a bare tf.data pipeline.
    poisoned = tf.data.Dataset.from_tensor_slices(np.full_like(clean, np.nan)).batch(8)
    with pytest.raises(FloatingPointError, match="epoch 3, step 1"):
        gan.fit(poisoned, epochs=4, verbose=0, callbacks=callbacks.resumable_callbacks(tmp_path))
    backup = tmp_path / "backup"
    assert json.loads((backup / "training_metadata.json").read_text())["epoch"] == 2
    restored = training.GAN(*tiny_gan_models(), seed=0)
    restored.compile()
    restored.load_weights(backup / "latest.weights.h5")
    assert all(np.all(np.isfinite(w)) for w in restored.get_weights())


def test_periodic_checkpoints_hold_both_networks_and_optimizers(tmp_path):
    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    gan.fit(data.make_dataset(random_images(16), batch_size=8), epochs=4, verbose=0,
            callbacks=callbacks.resumable_callbacks(tmp_path, checkpoint_every=2))
    names = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert names == ["epoch_002.weights.h5", "epoch_004.weights.h5"]
    with h5py.File(tmp_path / "checkpoints" / "epoch_004.weights.h5") as handle:
        stored = []
        handle.visit(stored.append)
    assert any("d_optimizer" in name for name in stored) and any("g_optimizer" in name for name in stored)
    restored = training.GAN(*tiny_gan_models(), seed=0)
    restored.compile()
    restored.load_weights(tmp_path / "checkpoints" / "epoch_004.weights.h5")
    for a, b in zip(gan.generator.get_weights(), restored.generator.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_read_history_keeps_the_last_row_of_a_repeated_epoch(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,d_loss,g_loss\n0,0.7,0.8\n1,0.6,0.9\n1,0.5,1.0\n2,0.4,1.1\n")
    assert callbacks.read_history(path) == {"d_loss": [0.7, 0.5, 0.4], "g_loss": [0.8, 1.0, 1.1]}
    assert callbacks.read_history(tmp_path / "missing.csv") == {}
