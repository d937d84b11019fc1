import imageio.v3 as iio
import numpy as np
import pytest

from gan_utils import callbacks, files, viz

from helpers import random_images


def test_image_grid_tiles_and_scales():
    images = np.stack([np.full((2, 2, 1), v, np.float32) for v in (-1.0, 0.0, 1.0)])
    grid = viz.image_grid(images, ncols=2, value_range="tanh", padding=1)
    assert grid.shape == (2 * 3 + 1, 2 * 3 + 1) and grid.dtype == np.uint8
    assert grid[1, 1] == 0 and grid[1, 4] == 128 and grid[4, 1] == 255
    rgb = viz.image_grid(random_images(5, (4, 4, 3)))
    assert rgb.shape == (2 * 6 + 2, 3 * 6 + 2, 3)  # 5 images: 2 rows of 3


def test_gif_has_every_frame_and_the_duration(tmp_path):
    frames = [np.full((8, 8), 40 * i, np.uint8) for i in range(4)]
    path = files.write_gif(frames, tmp_path / "out.gif", duration_ms=120)
    assert iio.imread(path, index=None).shape[0] == 4
    assert iio.immeta(path)["duration"] == 120
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_failed_write_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="same shape"):
        files.write_gif([np.zeros((4, 4), np.uint8), np.zeros((5, 5), np.uint8)], tmp_path / "bad.gif")
    with pytest.raises(RuntimeError):
        with files.atomic_path(tmp_path / "x.png") as temporary:
            temporary.write_bytes(b"half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_loss_plot_is_written(tmp_path):
    history = {"d_loss": [0.7, 0.6], "g_loss": [0.8, 0.9], "real_acc": [0.5, 0.7], "fake_acc": [0.5, 0.8]}
    figure = viz.plot_losses(history, tmp_path / "losses.png", title="t")
    assert iio.imread(tmp_path / "losses.png").ndim == 3
    assert [line.get_label() for line in figure.axes[0].lines] == ["d_loss", "g_loss"]
    wgan = viz.plot_losses({"d_loss": [-0.1], "g_loss": [0.2], "wasserstein": [0.3], "gradient_penalty": [0.01]})
    assert [line.get_label() for line in wgan.axes[1].lines] == ["wasserstein", "gradient_penalty"]


def test_sample_grid_uses_one_fixed_seed_and_writes_a_gif(tiny_gan, tmp_path):
    grid = callbacks.SampleGrid(tmp_path / "frames", n_samples=4, value_range="sigmoid", every=2,
                                gif_path=tmp_path / "train.gif")
    tiny_gan.fit(random_images(16), batch_size=8, epochs=3, verbose=0, callbacks=[grid])
    names = [p.name for p in grid.frame_paths()]
    assert names == ["epoch_0002.png", "epoch_0003.png"]  # every 2 epochs, and the last one
    assert iio.imread(tmp_path / "train.gif", index=None).shape[0] == 2
    first_noise = grid.noise.copy()
    tiny_gan.fit(random_images(16), batch_size=8, epochs=1, verbose=0, callbacks=[grid])
    np.testing.assert_array_equal(grid.noise, first_noise)
    # A repeated epoch overwrites its frame instead of adding one.
    assert [p.name for p in grid.frame_paths()] == ["epoch_0001.png", "epoch_0002.png", "epoch_0003.png"]


def test_frozen_generator_gives_identical_frames(tiny_gan, tmp_path):
    grid = callbacks.SampleGrid(tmp_path, n_samples=4, value_range="sigmoid")
    grid.set_model(tiny_gan)
    grid.on_train_begin()
    first, second = grid.save_frame(1), grid.save_frame(2)
    np.testing.assert_array_equal(iio.imread(first), iio.imread(second))


def test_report_logger_prints_the_reports_format(tiny_gan):
    lines = []
    logger = callbacks.ReportLogger(every=2, print_fn=lines.append)
    history = tiny_gan.fit(random_images(32), batch_size=8, epochs=1, verbose=0, callbacks=[logger])
    assert [line.split(",")[1].strip() for line in lines] == ["2/4", "4/4"]
    assert lines[0].startswith(">1, 2/4, d=")
    # Per-batch values recovered from the running means average back to the epoch's mean.
    per_batch = []
    probe = callbacks.ReportLogger(every=1, print_fn=per_batch.append)
    history = tiny_gan.fit(random_images(32), batch_size=8, epochs=1, verbose=0, callbacks=[probe])
    d_values = [float(line.split("d=")[1].split(",")[0]) for line in per_batch]
    assert np.mean(d_values) == pytest.approx(history.history["d_loss"][0], abs=2e-3)


def test_score_every_logs_quality_into_the_resumable_history(cache, tmp_path):
    import math

    from gan_utils import data, training

    from helpers import tiny_gan_models

    gan = training.GAN(*tiny_gan_models(), seed=0)
    gan.compile()
    digits, _ = data.load_dataset("mnist_5k", value_range="sigmoid", smoke=False, max_samples=64)
    score = callbacks.ScoreEvery("mnist_5k", "sigmoid", every=2, n_samples=64, smoke=False)
    logged = gan.fit(data.make_dataset(digits, batch_size=16), epochs=3, verbose=0,
                     callbacks=callbacks.resumable_callbacks(tmp_path, score=score))
    # The epochs' logs (what the progress bar prints) carry fcd only where it was scored: no "fcd: nan".
    assert len(logged.history["fcd"]) == 2 and not any(map(math.isnan, logged.history["fcd"]))
    fcd = callbacks.read_history(tmp_path / "history.csv")["fcd"]
    assert len(fcd) == 3
    assert fcd[0] > 0 and fcd[1] > 0 and math.isnan(fcd[2])  # epochs 1 and 2 scored, 3 not
    # A resumed run that starts on an unscored epoch keeps the columns aligned.
    gan.fit(data.make_dataset(digits, batch_size=16), epochs=5, verbose=0,
            callbacks=callbacks.resumable_callbacks(
                tmp_path, score=callbacks.ScoreEvery("mnist_5k", "sigmoid", every=2, n_samples=64, smoke=False)))
    history = callbacks.read_history(tmp_path / "history.csv")
    assert len(history["fcd"]) == len(history["d_loss"]) == 5
    assert math.isnan(history["fcd"][4]) and history["fcd"][3] > 0
