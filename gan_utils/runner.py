"""The one function that trains any named configuration, resumably, and what it needs: the
compiled GAN of a configuration, its optimizers and its data. Notebooks and the command line both
call ``train``."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import keras

from gan_utils import callbacks, data, files, metrics, models, training, variants, viz
from gan_utils.configurations import TrainConfig
from gan_utils.smoke import smoke_mode


def run_folder(config: TrainConfig, smoke: bool | None = None) -> Path:
    """A configuration's run folder: ``RUN_ROOT/<the notebook that trains it>/<configuration>``
    (``files.run_folder``). Every notebook that trains or reuses the model looks there."""
    return files.run_folder(config.notebook, config.name, smoke)


def train_or_reuse(config: TrainConfig, notebook: str, epochs: int | None = None, verbose="auto") -> TrainResult:
    """The model that ``notebook`` reuses from the notebook that trains it (``config.notebook``).

    Says which notebook's model it is and where it looks; if the run there is finished it is loaded
    (seconds), otherwise it is trained or resumed here with a progress bar, after saying what the
    full run costs on a Colab GPU (``budget``). ``epochs`` trains a shorter run where the experiment
    does not need the full one (a finished longer run is used as it is).
    """
    from gan_utils import budget

    smoke = smoke_mode()
    folder = run_folder(config, smoke)
    target = config.for_mode(smoke).epochs if epochs is None else epochs
    done = callbacks.read_history(folder / "history.csv") if (folder / "history.csv").exists() else {}
    finished = len(done.get("d_loss", []))
    if Path(notebook).stem == Path(config.notebook).stem:
        subject = f"{Path(notebook).stem} trains {config.name}"
    else:
        subject = f"{Path(notebook).stem} reuses the {config.name} model of notebook {config.notebook}"
    print(f"{subject} ({config.dataset}, {config.architecture}); run folder {folder}.")
    if finished >= target:
        print(f"Found a finished run ({finished} epochs): loading it.")
    else:
        cost = "seconds (smoke mode)" if smoke else budget.describe_full_run(config)
        print(f"{'Resuming it at epoch ' + str(finished + 1) if finished else 'Not there: training it now'}, "
              f"{target} epochs. Full run: {cost}. Set RUN_ROOT to a Google Drive folder to keep it "
              "between Colab sessions, or run notebook " + config.notebook + " first.")
    keras.utils.set_random_seed(config.seed)
    return train(config, folder, epochs=epochs, smoke=smoke, verbose=verbose)


def build_gan(config: TrainConfig) -> training.GAN:
    """The configuration's generator and discriminator in a compiled GAN (parameter counts checked
    against the report's where it states them), with the modern ingredients it names."""
    generator, discriminator = models.build_gan_models(
        config.architecture, config.image_shape, config.latent_dim, n_classes=config.n_classes
    )
    models.check_param_counts(config.architecture, generator, discriminator)
    if config.minibatch_std:
        discriminator = models.with_minibatch_std(discriminator)
    if config.spectral_norm:
        discriminator = models.spectral_normalized(discriminator)
    gan = variants.make_gan(
        generator, discriminator, loss=config.loss, update=config.update, d_steps=config.d_steps,
        weight_clip=config.weight_clip, gradient_penalty_weight=config.gradient_penalty_weight,
        r1_weight=config.r1_weight, augment=config.augment, ema_decay=config.ema_decay,
        class_loss_weight=config.class_loss_weight, real_label=config.real_label, fake_label=config.fake_label,
        generator_label=config.generator_label, seed=config.seed,
    )
    gan.compile(d_optimizer=make_optimizer(config, config.d_learning_rate),
                g_optimizer=make_optimizer(config, config.g_learning_rate))
    return gan


def make_optimizer(config: TrainConfig, learning_rate: float | None = None) -> keras.optimizers.Optimizer:
    """The configuration's optimizer, at ``learning_rate`` (one network's, TTUR) or its own."""
    return training.optimizer(config.optimizer, learning_rate or config.learning_rate, config.beta_1, config.beta_2)


def load_images(config: TrainConfig, split: str, smoke: bool | None = None):
    """The configuration's dataset split, scaled to its generator's output range."""
    smoke = smoke_mode() if smoke is None else smoke
    max_samples = config.smoke_max_samples if smoke else None
    return data.load_dataset(config.dataset, split, config.output_activation, smoke, max_samples)


@dataclass
class TrainResult:
    gan: training.GAN
    history: dict  # per-epoch metrics over every run of this folder (resumed runs included)
    summary: dict  # what summary.json holds


def train(
    config: TrainConfig,
    run_dir,
    gif_dir=None,
    smoke: bool | None = None,
    epochs: int | None = None,
    gan: training.GAN | None = None,
    show_frames: bool = False,
    verbose="auto",
    score: bool = False,
) -> TrainResult:
    """Train a configuration, resuming from ``run_dir`` if an earlier run was cut off.

    Writes sample-grid frames under ``run_dir/frames`` and the GIF ``run_dir/training.gif``, the
    per-epoch history to ``run_dir/history.csv``, the backup that resuming needs under
    ``run_dir/backup``, the loss plot ``run_dir/losses.png`` and ``run_dir/summary.json``; with
    ``gif_dir``, also ``{name}.gif`` and ``{name}.png`` (the last grid) there.

    Args:
        epochs: overrides the configuration's number of epochs.
        gan: a GAN built with ``build_gan(config)`` (a notebook shows its summaries first).
        show_frames: display each sample grid inline (notebooks).
        score: at the end, score samples against held-out images (``metrics.score_generator``:
            Frechet classifier distance, KID and the real-vs-real floor) into ``summary["scores"]``.
    """
    smoke = smoke_mode() if smoke is None else smoke
    config = config.for_mode(smoke)
    if epochs is not None:
        if epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}.")
        config = dataclasses.replace(config, epochs=epochs)
    run_dir = Path(run_dir)
    if gan is None:
        keras.utils.set_random_seed(config.seed)
        gan = build_gan(config)
    images, labels = load_images(config, "train", smoke)
    test_images, test_labels = load_images(config, "test", smoke)
    if not gan.conditional:
        labels = test_labels = None  # an unconditional GAN trains on images alone

    samples = callbacks.SampleGrid(
        run_dir / "frames",
        seed=config.seed,
        value_range=config.output_activation,
        every=config.sample_every,
        gif_path=run_dir / "training.gif",
        show=show_frames,
    )
    score_callback = None
    if config.score_every:
        score_callback = callbacks.ScoreEvery(
            config.dataset, config.output_activation, config.score_every, n_samples=128 if smoke else 1000, smoke=smoke
        )
    timer = callbacks.EpochTimer()
    started = time.perf_counter()
    gan.fit(
        data.make_dataset(images, labels, batch_size=config.batch_size, seed=config.seed, n_classes=gan.n_classes),
        epochs=config.epochs,
        callbacks=[timer, *callbacks.resumable_callbacks(run_dir, samples, config.checkpoint_every, score_callback)],
        verbose=verbose,
    )
    seconds = time.perf_counter() - started
    history = callbacks.read_history(run_dir / "history.csv")
    evaluation = gan.evaluate(
        data.make_dataset(
            test_images, test_labels, batch_size=min(config.batch_size, len(test_images)), shuffle=False,
            n_classes=gan.n_classes,
        ),
        return_dict=True,
        verbose=0,
    )
    viz.plot_losses(history, run_dir / "losses.png", title=config.name)
    outputs = {
        "frames": [str(p) for p in samples.frame_paths()],
        "losses": str(run_dir / "losses.png"),
        "run_gif": str(run_dir / "training.gif"),
    }
    if gif_dir is not None:
        # The run's GIF is complete (SampleGrid wrote it at the end of fit): publish a copy.
        gif_path = Path(gif_dir) / f"{config.name}.gif"
        with files.atomic_path(gif_path) as temporary:
            shutil.copyfile(run_dir / "training.gif", temporary)
        grid_path = files.save_image(viz.upscale(samples.grid(), 3), Path(gif_dir) / f"{config.name}.png")
        outputs.update(gif=str(gif_path), grid=str(grid_path))
    summary = {
        "config": dataclasses.asdict(config),
        "smoke": smoke,
        "params": {"generator": gan.generator.count_params(), "discriminator": gan.discriminator.count_params()},
        "epochs_completed": len(history.get("d_loss", [])),
        "history": history,
        "test_metrics": evaluation,  # held-out real images against fresh fakes
        "test_accuracy": (
            {"real": evaluation["real_acc"], "fake": evaluation["fake_acc"]} if "real_acc" in evaluation else None
        ),
        "test_class_accuracy": (  # ACGAN: the discriminator's class head on held-out and generated images
            {"real": evaluation["real_class_acc"], "fake": evaluation["fake_class_acc"]}
            if "real_class_acc" in evaluation else None
        ),
        # Generator steps: with d_steps critic steps each, an epoch has 1/d_steps as many.
        "steps_completed": len(history.get("d_loss", [])) * (len(images) // config.batch_size // config.d_steps),
        "seconds_this_run": seconds,
        "seconds_per_epoch": timer.typical_seconds(),
        "outputs": outputs,
    }
    if score:
        scores = metrics.score_generator(lambda n: gan.sample(n, seed=config.seed + 1), config.dataset,
                                         config.output_activation, smoke=smoke)
        summary["scores"] = scores
    with files.atomic_path(run_dir / "summary.json") as temporary:
        temporary.write_text(json.dumps(summary, indent=2))
    return TrainResult(gan=gan, history=history, summary=summary)


