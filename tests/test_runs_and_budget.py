"""Run folders under RUN_ROOT, reusing another notebook's model, and the Colab time estimate."""

import pytest

from gan_utils import budget, configurations, files, models, runner


def test_run_folder_is_rooted_at_run_root_and_named_by_notebook_and_configuration(monkeypatch, tmp_path):
    monkeypatch.delenv("RUN_ROOT", raising=False)
    default = files.run_folder("01_keras_gan_mnist.ipynb", "keras_gan_mnist", smoke=False)
    assert str(default) == "runs/01_keras_gan_mnist/keras_gan_mnist"
    monkeypatch.setenv("RUN_ROOT", str(tmp_path))
    smoke = files.run_folder("01_keras_gan_mnist", "keras_gan_mnist", smoke=True)
    assert smoke == tmp_path / "01_keras_gan_mnist" / "keras_gan_mnist_smoke"
    config = configurations.get_config("dcgan_mnist")
    assert runner.run_folder(config, smoke=False) == tmp_path / "02_dcgan_mnist_fashion_mnist" / "dcgan_mnist"
    with pytest.raises(ValueError, match=r"configuration must be letters.*'\.\./x'"):
        files.run_folder("01_keras_gan_mnist", "../x")


def test_a_notebook_reuses_a_finished_model_and_says_whose_it_is(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("RUN_ROOT", str(tmp_path))
    monkeypatch.setenv("GAN_UTILS_SMOKE", "1")
    config = configurations.get_config("dcgan_mnist_5k")
    first = runner.train_or_reuse(config, "07_latent_arithmetic.ipynb", epochs=1, verbose=0)
    said = capsys.readouterr().out
    assert "07_latent_arithmetic reuses the dcgan_mnist_5k model of notebook 02_dcgan_mnist_fashion_mnist.ipynb" in said
    assert "Not there: training it now, 1 epochs" in said and str(tmp_path) in said
    assert first.summary["epochs_completed"] == 1
    again = runner.train_or_reuse(config, "08_memorisation", epochs=1, verbose=0)
    assert "Found a finished run (1 epochs): loading it." in capsys.readouterr().out
    assert again.summary["epochs_completed"] == 1 and again.summary["seconds_per_epoch"] is None  # nothing retrained


def test_step_flops_count_each_update_by_hand():
    # D forward+backward (3 passes) on real and fake: 6 d; G and D forward+backward: 3 g + 3 d.
    # The alternating update's G forward is the one its tape records; fresh noise adds one more;
    # the simultaneous update runs each network forward once.
    b, g, d = 2, 10.0, 1.0
    assert budget.step_flops(g, d, b) == b * 6 * d + b * (3 * g + 3 * d)
    assert budget.step_flops(g, d, b, update="alternating_fresh_noise") == b * g + b * 6 * d + b * (3 * g + 3 * d)
    assert budget.step_flops(g, d, b, d_steps=5) == 4 * b * g + 5 * b * 6 * d + b * (3 * g + 3 * d)
    assert budget.step_flops(g, d, b, update="simultaneous") == b * 3 * g + b * 6 * d
    # WGAN-GP: each critic step also passes D over the interpolates and differentiates its input gradient.
    assert budget.step_flops(g, d, b, d_steps=5, input_gradient_penalty=True) == 4 * b * g + 5 * b * 12 * d + b * (3 * g + 3 * d)


def test_full_run_estimate_of_report_002_is_within_the_measured_order_of_magnitude():
    config = configurations.get_config("dcgan_cifar10")
    run = budget.full_run(config)
    assert run["steps"] == 200 * (50_000 // 128)
    generator, discriminator = models.build_gan_models(config.architecture, config.image_shape)
    flops = budget.step_flops(models.forward_flops(generator), models.forward_flops(discriminator), 128, 1, "alternating")
    assert run["t4_minutes"] == pytest.approx(flops * run["steps"] / (8.1e12 * budget.T4_SHARE_OF_PEAK) / 60)
    # Report 002 measured about 3 hours with its slower train_on_batch loop; the estimate for fit
    # must be of that order, not minutes or days.
    assert budget.REPORT_002_MINUTES / 4 < run["t4_minutes"] < budget.REPORT_002_MINUTES * 2
    assert "on a Colab T4 GPU" in budget.describe_full_run(config)


def test_the_estimate_counts_scoring_with_the_judge_classifier_or_inception():
    import keras

    from gan_utils import metrics

    config = configurations.get_config("dcgan_mnist")
    classifier = budget.scoring(config)
    judge = models.forward_flops(metrics.build_classifier((28, 28, 1), 10))
    generator, _ = models.build_gan_models(config.architecture, config.image_shape)
    expected = 3 * judge * 60_000 * metrics.CLASSIFIER_EPOCHS["mnist"] + 3 * 10_000 * judge
    assert classifier["samples"] == 10_000
    assert classifier["total_pflop"] * 1e15 == pytest.approx(expected + 10_000 * models.forward_flops(generator))
    inception = keras.applications.InceptionV3(include_top=False, pooling="avg", weights=None, input_shape=(299, 299, 3))
    assert models.forward_flops(inception) / 1e9 == pytest.approx(budget.INCEPTION_V3_GFLOP, rel=0.01)
    assert budget.scoring(config, "inception")["t4_minutes"] > 10 * classifier["t4_minutes"]
    assert "to score 10,000 samples (InceptionV3)" in budget.describe_full_run(config, extractor="inception")
    with pytest.raises(ValueError, match="'fid'"):
        budget.scoring(config, "fid")


def test_keeping_runs_on_drive_is_opt_in_and_changes_nothing_outside_colab(tmp_path, monkeypatch, capsys):
    from gan_utils import files

    monkeypatch.setenv("RUN_ROOT", str(tmp_path))
    assert files.keep_runs_on_drive(False) == tmp_path
    assert files.keep_runs_on_drive(True) == tmp_path  # no google.colab here: nothing mounted, nothing moved
    printed = capsys.readouterr().out
    assert "Not on Colab" in printed and f"Runs and score caches go to {tmp_path}" in printed
