"""How long a configuration's full run takes on a Colab GPU, estimated from the work it does.

    minutes = FLOPs per step x steps / (peak FLOP/s x share of peak reached) / 60

Assumptions, written out so a reader can change them:
* FLOPs are counted from the models (``forward_flops``: the multiply-adds of the dense and
  convolution layers); a backward pass costs two forward passes, so a trained pass costs three.
* Per image, a step of ``training.GAN`` (``step_flops``) trains the discriminator on a real and a
  fake batch (``d_steps`` times) and the generator through the discriminator; the alternating
  update makes its fakes once for both (plus one batch per extra critic step), the fresh-noise
  variant once more, and the simultaneous update runs each network forward once.
* The GPU is Colab's free NVIDIA T4: 8.1 TFLOP/s in float32 and 65 TFLOP/s in float16 on its
  tensor cores (NVIDIA's T4 datasheet). Small GANs reach a fraction of that: the layers are
  narrow, and each step is a few dozen small kernels. ``T4_SHARE_OF_PEAK`` is that fraction,
  an assumption (docs/backends-and-gpu.md gives the shares measured on a GPU). Neither mixed
  precision (``mixed_float16``, a higher ceiling for the convolutions) nor XLA (fused element-wise
  kernels) is counted here.

The one measured anchor: report 002 trained its CIFAR-10 DCGAN (``dcgan_cifar10``) for 200 epochs
in about 3 hours on a Colab GPU with the reports' ``train_on_batch`` loop; ``REPORT_002_MINUTES``.
"""

from __future__ import annotations

import functools

T4_FP32_TFLOPS = 8.1
T4_FP16_TFLOPS = 65.0
T4_SHARE_OF_PEAK = 0.25
REPORT_002_MINUTES = 180  # "about 3 hours" for 200 epochs of dcgan_cifar10 on a Colab GPU
# InceptionV3 at 299x299 without its top: forward_flops counts 11.4 GFLOP per image
# (5.7 G multiply-adds; tests/test_runs_and_budget.py recounts it).
INCEPTION_V3_GFLOP = 11.4


def step_flops(generator_flops: float, discriminator_flops: float, batch_size: int, d_steps: int = 1,
               update: str = "alternating", input_gradient_penalty: bool = False) -> float:
    """FLOPs of one generator step of ``training.GAN`` (``update`` as in ``GAN.compile``), per batch.
    ``input_gradient_penalty``: WGAN-GP's (or R1's) penalty, one more pass of D over a batch whose
    input gradient is differentiated again: counted as two trained passes (6 forwards) per critic step."""
    g, d, b = generator_flops, discriminator_flops, batch_size
    discriminator_updates = d_steps * b * 3 * d * (2 + (2 if input_gradient_penalty else 0))  # real, fake (, penalty)
    generator_update = b * (3 * g + 3 * d)  # G and D forward and backward (the G forward makes the fakes)
    if update == "simultaneous":  # one forward of each network serves both losses
        return b * 3 * g + b * 3 * d * 2
    extra_fakes = d_steps if update == "alternating_fresh_noise" else d_steps - 1  # G forwards outside the tape
    return extra_fakes * b * g + discriminator_updates + generator_update


@functools.lru_cache(maxsize=None)
def network_flops(architecture: str, image_shape: tuple, latent_dim: int, n_classes: int) -> tuple:
    """(generator, discriminator) forward FLOPs per example (``forward_flops``); built once
    per architecture, since the training and the scoring estimates both need them."""
    from gan_utils import models

    generator, discriminator = models.build_gan_models(architecture, image_shape, latent_dim, n_classes=n_classes)
    return forward_flops(generator), forward_flops(discriminator)


def full_run(config) -> dict:
    """Steps, FLOPs and estimated T4 minutes of a configuration's full (non-smoke) run."""
    from gan_utils import data

    generator_flops, discriminator_flops = network_flops(config.architecture, tuple(config.image_shape),
                                                         config.latent_dim, config.n_classes)
    per_step = step_flops(generator_flops, discriminator_flops, config.batch_size, config.d_steps, config.update,
                          input_gradient_penalty=bool(config.gradient_penalty_weight))
    batches = data.dataset_info(config.dataset).train_size // config.batch_size
    steps = config.epochs * (batches // config.d_steps)
    flops = per_step * steps
    minutes = flops / (T4_FP32_TFLOPS * 1e12 * T4_SHARE_OF_PEAK) / 60
    return {"steps": steps, "step_gflop": per_step / 1e9, "total_pflop": flops / 1e15, "t4_minutes": minutes}


def scoring(config, extractor: str = "classifier") -> dict:
    """FLOPs and estimated T4 minutes of scoring a full run once (``metrics.score_generator``):
    the judge classifier's training (``extractor="classifier"``: once per runtime, then cached; its
    epochs are ``metrics.CLASSIFIER_EPOCHS``), the features of the n generated images and of the
    2n real ones (reference and floor: once per runtime, ``metrics.real_side``), and the
    generator's forward pass for the fakes; n is ``metrics.default_sample_count``."""
    from gan_utils import data, metrics

    info = data.dataset_info(config.dataset)
    n = metrics.default_sample_count(config.dataset, smoke=False)
    if extractor == "inception":
        per_image, training_flops = INCEPTION_V3_GFLOP * 1e9, 0.0
    elif extractor == "classifier":
        per_image = forward_flops(metrics.build_classifier(info.image_shape, len(info.class_names)))
        training_flops = 3 * per_image * info.train_size * metrics.CLASSIFIER_EPOCHS[config.dataset]
    else:
        raise ValueError(f"extractor must be 'classifier' or 'inception', got {extractor!r}.")
    generator_flops, _ = network_flops(config.architecture, tuple(config.image_shape), config.latent_dim,
                                       config.n_classes)
    flops = training_flops + 3 * n * per_image + n * generator_flops
    return {"samples": n, "total_pflop": flops / 1e15,
            "t4_minutes": flops / (T4_FP32_TFLOPS * 1e12 * T4_SHARE_OF_PEAK) / 60}


def describe_full_run(config, extractor: str = "classifier") -> str:
    """One sentence: the full run's steps and its estimated time on a Colab T4, training and scoring."""
    run, score = full_run(config), scoring(config, extractor)
    judge = ("InceptionV3" if extractor == "inception" else "the judge classifier, trained once per runtime")
    return (f"{config.name}: {config.epochs} epochs = {run['steps']:,} steps of {run['step_gflop']:.0f} GFLOP; "
            f"about {format_minutes(run['t4_minutes'])} on a Colab T4 GPU, plus {format_minutes(score['t4_minutes'])} "
            f"to score {score['samples']:,} samples ({judge}) (estimate: float32 at "
            f"{T4_SHARE_OF_PEAK:.0%} of its {T4_FP32_TFLOPS} TFLOP/s; gan_utils.budget says how)")


def format_minutes(minutes: float) -> str:
    if minutes < 1:
        return "under a minute"
    if minutes < 90:
        return f"{minutes:.0f} minutes"
    return f"{minutes / 60:.1f} hours"


def forward_flops(model) -> int:
    """Floating-point operations of one forward pass for one example, counting the multiply-adds
    (2 FLOPs each) of Dense, Conv2D and Conv2DTranspose layers; activations, batch norm and the
    rest are small beside them and left out."""
    from keras import layers

    total = 0
    for layer in model.layers:
        if isinstance(layer, layers.Conv2DTranspose):
            _, height, width, channels = layer.input.shape
            k_h, k_w = layer.kernel_size
            total += 2 * height * width * k_h * k_w * channels * layer.filters
        elif isinstance(layer, layers.Conv2D):
            _, height, width, _ = layer.output.shape
            k_h, k_w = layer.kernel_size
            total += 2 * height * width * k_h * k_w * layer.input.shape[-1] * layer.filters
        elif isinstance(layer, layers.Dense):
            total += 2 * layer.input.shape[-1] * layer.units
    return int(total)
