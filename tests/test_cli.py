import json
import os
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio

from gan_utils import configurations, models

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, env=None, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "gan_utils", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )


# Three configurations that between them take every branch of the runner: the label swap, critic
# steps with a gradient penalty (no accuracy, a Wasserstein estimate instead) and labels into the
# generator with an auxiliary classifier in the discriminator. The notebooks train the others in
# smoke mode through the same runner (02: the DCGANs, 10: the conditional DCGAN), and
# tests/test_conditional.py trains conditional_dcgan_mnist_5k; five here took 270-300 s of CI's time.
SMOKE_CONFIGURATIONS = ("keras_gan_mnist_swapped", "wgan_gp_cifar10", "acgan_cifar10")


def test_train_in_smoke_mode_writes_gifs_and_grids(tmp_path):
    """What `make gifs SMOKE=1` runs for every configuration, offline, one GIF and grid each."""
    # Scoring is skipped here (it is the same code for every configuration; the next test runs it).
    result = run_cli("train", *SMOKE_CONFIGURATIONS, "--no-score", "--run-dir", str(tmp_path / "runs"),
                     "--gif-dir", str(tmp_path / "gifs"), env={"GAN_UTILS_SMOKE": "1"}, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SMOKE MODE" in result.stdout and "x the real-vs-real floor" not in result.stdout
    for name in SMOKE_CONFIGURATIONS:
        config = configurations.CONFIGS[name]
        frames = iio.imread(tmp_path / "gifs" / f"{name}.gif", index=None)
        assert frames.shape[0] == 2  # one frame per smoke epoch
        channels = config.image_shape[2]
        assert iio.imread(tmp_path / "gifs" / f"{name}.png").ndim == (2 if channels == 1 else 3)
        summary = json.loads((tmp_path / "runs" / name / "summary.json").read_text())
        assert summary["smoke"] is True and summary["epochs_completed"] == 2
        assert summary["steps_completed"] == 2 * (256 // 32 // config.d_steps)
        expected = models.architecture(config.architecture).expected_params
        if expected and config.image_shape == models.architecture(config.architecture).expected_image_shape:
            assert summary["params"] == expected
        if config.loss == "wasserstein":
            assert summary["test_accuracy"] is None and "wasserstein" in summary["test_metrics"]
        else:  # the summary's accuracies are the held-out evaluation's: counts over 256 real and 256 fake images
            metrics = summary["test_metrics"]
            assert summary["test_accuracy"] == {"real": metrics["real_acc"], "fake": metrics["fake_acc"]}
            for accuracy in summary["test_accuracy"].values():
                assert abs(accuracy * 256 - round(accuracy * 256)) < 1e-3, accuracy


def test_a_run_ends_with_its_score_and_floor(tmp_path, shared_cache):
    """What `make demo` prints at the end: the score, its protocol and the real-vs-real floor."""
    result = run_cli("train", "dcgan_mnist_5k", "--run-dir", str(tmp_path / "runs"), "--gif-dir", str(tmp_path / "gifs"),
                     env={"GAN_UTILS_SMOKE": "1", "GAN_UTILS_CACHE": str(shared_cache)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("x the real-vs-real floor") == 1
    # Quiet and exact: no TensorFlow start-up lines before ours, no spread of a KID that has none.
    assert "absl::InitializeLog" not in result.stderr and "cuda drivers" not in result.stderr, result.stderr[:2000]
    assert "KID " in result.stdout and "±" not in result.stdout.split("KID ")[1].split(",")[0]
    summary = json.loads((tmp_path / "runs" / "dcgan_mnist_5k" / "summary.json").read_text())
    assert summary["scores"]["floor"] > 0 and summary["scores"]["frechet_distance"] > 0


def test_make_gifs_smoke_runs_the_cli_on_every_configuration():
    dry_run = subprocess.run(["make", "-n", "gifs", "SMOKE=1"], cwd=ROOT, capture_output=True, text=True)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "GAN_UTILS_SMOKE=1" in dry_run.stdout and "-m gan_utils train all" in dry_run.stdout


def test_unknown_configuration_is_named(tmp_path):
    result = run_cli("train", "keras_gan_imagenet", "--smoke")
    assert result.returncode == 2
    assert "'keras_gan_imagenet'" in result.stderr and "keras_gan_mnist" in result.stderr


def test_list_names_every_configuration():
    result = run_cli("list")
    assert result.returncode == 0 and result.stderr == "", result.stderr[:2000]
    assert "keras_gan_mnist" in result.stdout and "01_keras_gan_mnist.ipynb" in result.stdout
