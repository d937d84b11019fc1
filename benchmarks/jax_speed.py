"""Training speed on Keras' JAX backend, against the loop a student would otherwise write on the same
device: the PyTorch DCGAN tutorial's step on the same architectures (``torch_reference.py``); and,
where TensorFlow is installed, JAX against TensorFlow for the same ``gan_utils`` step.

    python benchmarks/jax_speed.py [--steps 20] [--repeats 3] [--only NAME ...] [--peak-tflops N]
        [--float32 strict] [--dtype-policy mixed_bfloat16] [--simultaneous] [--steps-per-execution N]

Needs JAX; TensorFlow and PyTorch are each optional (a missing one's column is left out), so it
runs on the accelerator machines this project borrows (JAX and PyTorch, no TensorFlow) and on a CPU.

For the tutorial DCGAN (MNIST, batch 256) and report 002's CIFAR-10 GAN (batch 128), on random
images of the architecture's shape (speed does not depend on the pixels):

* ``gan_utils`` on JAX: ``GAN.fit`` with the default ``alternating`` update (jit-compiled);
* PyTorch: the DCGAN tutorial's loop, which is the same update (the discriminator on real and on
  ``fake.detach()``, then the generator through the updated discriminator on the same fakes), on a
  PyTorch copy of the same Keras networks (same parameter count and shapes, checked);
* ``gan_utils`` on TensorFlow: the same ``GAN.fit`` in a second interpreter (Keras picks its backend
  at import), with the collection's device default (XLA on a GPU, not on a CPU).

JAX and PyTorch run in one process, timed in interleaved rounds (each loop's best round kept), so
their ratio shares the machine's state; the TensorFlow figures come from another process and
compare less tightly. Speed is real images read per second. TFLOP/s count the multiply-adds of the
dense and convolution layers (``gan_utils.budget.step_flops``), against the device's float32 peak:
a GPU's from its datasheet (``GPU_FP32_PEAK_TFLOPS``, or ``--peak-tflops``), a CPU's measured as
the float32 matmul rate through JAX. Precision defaults differ and are left as students get them:
JAX may use TF32 for float32 matrix products on recent NVIDIA GPUs, PyTorch uses it for
convolutions (``torch.backends.cudnn.allow_tf32``) but not for matmuls; ``--float32 strict`` holds
both (and TensorFlow) to full float32. ``--dtype-policy`` sets the Keras loops' policy (PyTorch stays
float32). ``--simultaneous`` and ``--steps-per-execution N`` each add a JAX loop, timed in the same
rounds, and a table of it against the default loop.
Figures measured on a GPU: docs/backends-and-gpu.md, "Measured on a GPU (an NVIDIA H200)".
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# Keras picks its backend at import. JAX takes 75% of a GPU's memory at start unless told not to,
# which would leave PyTorch, in the same process, little room.
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from gan_utils import budget, callbacks, data, models, variants  # noqa: E402

CASES = {"dcgan_tutorial": 256, "dcgan_cifar10_report002": 128}  # architecture: batch
LATENT_DIM = 100
# NVIDIA's datasheet float32 peaks (not tensor-core TF32), TFLOP/s; matched against the device name.
GPU_FP32_PEAK_TFLOPS = {"H200": 67.0, "H100 PCIe": 51.0, "H100": 67.0, "A100": 19.5, "L4": 30.3, "T4": 8.1,
                        "V100": 15.7}


def keras_gan(architecture: str, images: np.ndarray, batch: int, steps_per_execution: int = 1,
              update: str = "alternating"):
    """``rate(steps)``: images per second of ``steps`` generator steps of ``GAN.fit`` (one epoch),
    timed by ``callbacks.EpochTimer``; the first call compiles. ``steps_per_execution`` is
    ``compile``'s: steps run per call of the compiled step (1 by default, docs/backends-and-gpu.md "On a GPU")."""
    gan = variants.make_gan(*models.build_gan_models(architecture, images.shape[1:], LATENT_DIM), update=update,
                            seed=0)
    gan.compile(steps_per_execution=steps_per_execution)
    pipelines = {}

    def rate(steps):
        if steps not in pipelines:  # one epoch of exactly `steps` batches, from the same images
            pipelines[steps] = data.make_dataset(np.resize(images, (steps * batch, *images.shape[1:])),
                                                 batch_size=batch, seed=0)
        timer = callbacks.EpochTimer()
        gan.fit(pipelines[steps], epochs=1, verbose=0, callbacks=[timer])
        return steps * batch / timer.seconds[-1]

    return rate


def torch_loop(architecture: str, images: np.ndarray, batch: int):
    import torch
    from torch_reference import make_tutorial_loop

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    generator, discriminator = models.build_gan_models(architecture, images.shape[1:], LATENT_DIM)
    step = make_tutorial_loop(generator, discriminator, images, batch, LATENT_DIM, device)

    def rate(steps):
        started = time.perf_counter()
        for _ in range(steps):
            step()
        return steps * batch / (time.perf_counter() - started)

    return rate


def random_images(architecture: str, batch: int) -> np.ndarray:
    shape = models.architecture(architecture).expected_image_shape
    return np.random.default_rng(0).uniform(-1, 1, (8 * batch, *shape)).astype("float32")


def measure(architectures, steps: int, repeats: int, with_torch: bool, steps_per_execution: int = 1,
            simultaneous: bool = False) -> dict:
    """{architecture: {loop: best images/s}} for this process's Keras backend (and PyTorch); with
    ``steps_per_execution`` > 1 also the Keras loop compiled with it (loop "<backend>/spe"), with
    ``simultaneous`` also the tutorial's one-pass update (loop "<backend>/simultaneous")."""
    results = {}
    for architecture in architectures:
        batch = CASES[architecture]
        images = random_images(architecture, batch)
        loops = {keras.backend.backend(): keras_gan(architecture, images, batch)}
        if steps_per_execution > 1:
            loops[f"{keras.backend.backend()}/spe"] = keras_gan(architecture, images, batch, steps_per_execution)
        if simultaneous:
            loops[f"{keras.backend.backend()}/simultaneous"] = keras_gan(architecture, images, batch,
                                                                       update="simultaneous")
        if with_torch:
            loops["pytorch"] = torch_loop(architecture, images, batch)
        for rate in loops.values():
            rate(steps)  # compile / warm up on the timed epoch's own length
        best = dict.fromkeys(loops, 0.0)
        for _ in range(repeats):  # interleaved rounds
            for name, rate in loops.items():
                best[name] = max(best[name], rate(steps))
        results[architecture] = best
    return results


def tensorflow_rates(architectures, steps: int, repeats: int, precision: str) -> dict | None:
    """The same measurement on Keras' TensorFlow backend, in a second interpreter; None without TensorFlow."""
    if importlib.util.find_spec("tensorflow") is None:
        return None
    env = dict(os.environ, KERAS_BACKEND="tensorflow")
    command = [sys.executable, __file__, "--keras-only", "--steps", str(steps), "--repeats", str(repeats),
               "--dtype-policy", keras.config.dtype_policy().name, "--float32", precision, "--only", *architectures]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def strict_float32():
    """Full float32 matrix products and convolutions: JAX's "highest" precision, and PyTorch's TF32
    switches off (it uses TF32 for convolutions by default), so the float32 peak is the ceiling."""
    if keras.backend.backend() == "tensorflow":  # the second interpreter
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
        return
    import jax

    jax.config.update("jax_default_matmul_precision", "highest")
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


def device_peak(override: float | None) -> tuple[str, float, str]:
    """(device name, float32 peak TFLOP/s, where the peak comes from)."""
    import jax
    import jax.numpy as jnp

    device = jax.devices()[0]
    if override:
        return device.device_kind, override, "--peak-tflops"
    if device.platform == "gpu":
        for name, peak in GPU_FP32_PEAK_TFLOPS.items():
            if name in device.device_kind:
                return device.device_kind, peak, "datasheet float32"
        return device.device_kind, float("nan"), "unknown GPU: pass --peak-tflops"
    size, repeats = 2048, 10
    a = jax.random.normal(jax.random.key(0), (size, size))
    matmul = jax.jit(jnp.matmul)
    matmul(a, a).block_until_ready()
    started = time.perf_counter()
    for _ in range(repeats):
        product = matmul(a, a)
    product.block_until_ready()
    measured = 2 * size**3 * repeats / (time.perf_counter() - started) / 1e12
    return platform.processor() or platform.machine(), measured, "measured float32 matmul rate"


def tflops_per_image(architecture: str) -> float:
    shape = models.architecture(architecture).expected_image_shape
    generator, discriminator = models.build_gan_models(architecture, shape, LATENT_DIM)
    batch = CASES[architecture]
    return budget.step_flops(models.forward_flops(generator), models.forward_flops(discriminator), batch) / batch / 1e12


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per loop and round")
    parser.add_argument("--repeats", type=int, default=3, help="rounds; each loop's best is kept")
    parser.add_argument("--only", nargs="*", default=list(CASES), help=f"architectures, of {list(CASES)}")
    parser.add_argument("--peak-tflops", type=float, default=None, help="the device's float32 peak, if not known")
    parser.add_argument("--no-torch", dest="torch", action="store_false", help="leave the PyTorch loop out")
    parser.add_argument("--float32", choices=["default", "strict"], default="default",
                        help="default: each framework's own float32 matrix precision (TF32 tensor cores on recent "
                             "NVIDIA GPUs); strict: full float32 in both (JAX 'highest', PyTorch TF32 off)")
    parser.add_argument("--dtype-policy", default="float32",
                        help="Keras dtype policy of the Keras loops, e.g. mixed_bfloat16 (PyTorch stays float32)")
    parser.add_argument("--simultaneous", action="store_true",
                        help="also time JAX with variants.TutorialGAN, the TensorFlow tutorial's update")
    parser.add_argument("--steps-per-execution", type=int, default=1,
                        help="also time JAX with compile(steps_per_execution=N); --steps must be a multiple of N")
    parser.add_argument("--keras-only", action="store_true", help=argparse.SUPPRESS)  # the TensorFlow interpreter
    args = parser.parse_args(argv)
    unknown = sorted(set(args.only) - set(CASES))
    if unknown:
        parser.error(f"unknown architecture(s) {unknown}; accepted: {list(CASES)}")
    if args.steps_per_execution < 1 or args.steps % args.steps_per_execution:
        parser.error(f"--steps-per-execution {args.steps_per_execution} must be at least 1 and divide "
                     f"--steps {args.steps}")
    keras.utils.set_random_seed(0)
    keras.mixed_precision.set_dtype_policy(args.dtype_policy)  # raises on an unknown policy, naming it
    if args.float32 == "strict":
        strict_float32()
    if args.keras_only:
        print(json.dumps({name: rates[keras.backend.backend()] for name, rates in
                          measure(args.only, args.steps, args.repeats, with_torch=False).items()}))
        return
    if keras.backend.backend() != "jax":
        parser.error(f"run it on Keras' JAX backend (KERAS_BACKEND is {keras.backend.backend()!r}); "
                     "it starts TensorFlow itself where installed")
    with_torch = args.torch and importlib.util.find_spec("torch") is not None
    device, peak, peak_source = device_peak(args.peak_tflops)
    print(f"Measuring {args.only} on {device}: JAX{' and PyTorch' if with_torch else ''} here, "
          "TensorFlow in a second interpreter...", file=sys.stderr)
    rates = measure(args.only, args.steps, args.repeats, with_torch, args.steps_per_execution, args.simultaneous)
    tf_rates = tensorflow_rates(args.only, args.steps, args.repeats, args.float32)
    versions = [f"JAX {importlib.import_module('jax').__version__}", f"Keras {keras.__version__}"]
    if with_torch:
        versions.append(f"PyTorch {importlib.import_module('torch').__version__}")

    print(f"### Training speed on Keras' JAX backend ({datetime.date.today().isoformat()})")
    print()
    print(f"{device}, {', '.join(versions)}; float32 peak {peak:.2f} TFLOP/s ({peak_source}). Real images "
          f"read per second, best of {args.repeats} rounds of {args.steps} steps; JAX and PyTorch interleaved in "
          f"one process. Float32 precision: {args.float32}; Keras dtype policy: {args.dtype_policy}. Command: "
          f"`python benchmarks/jax_speed.py --steps {args.steps} --repeats {args.repeats}"
          f"{f' --steps-per-execution {args.steps_per_execution}' if args.steps_per_execution > 1 else ''}"
          f"{f' --float32 {args.float32}' if args.float32 != 'default' else ''}"
          f"{f' --dtype-policy {args.dtype_policy}' if args.dtype_policy != 'float32' else ''}"
          f"{' --simultaneous' if args.simultaneous else ''}`.")
    print()
    print("| architecture | batch | JAX img/s | PyTorch tutorial img/s | JAX / PyTorch | TensorFlow img/s | "
          "JAX / TensorFlow | JAX TFLOP/s | share of peak |")
    print("|---|---|---|---|---|---|---|---|---|")
    for architecture, row in rates.items():
        jax_rate, torch_rate = row["jax"], row.get("pytorch")
        tf_rate = tf_rates[architecture] if tf_rates else None
        achieved = jax_rate * tflops_per_image(architecture)
        cells = [architecture, CASES[architecture], f"{jax_rate:,.0f}",
                 f"{torch_rate:,.0f}" if torch_rate else "not installed",
                 f"{jax_rate / torch_rate:.2f}x" if torch_rate else "",
                 f"{tf_rate:,.0f}" if tf_rate else "not installed",
                 f"{jax_rate / tf_rate:.2f}x" if tf_rate else "",
                 f"{achieved:.3f}", f"{achieved / peak:.1%}"]
        print("| " + " | ".join(str(cell) for cell in cells) + " |")
    print()
    if peak_source.startswith("datasheet") and args.float32 == "default":
        print("On this GPU JAX runs float32 convolutions and matrix products on TF32 tensor cores by default, "
              "so the share of the float32 peak can pass 100%; `--float32 strict` measures against that ceiling.")
        print()
    if args.steps_per_execution > 1:  # fewer host round trips per step (docs/backends-and-gpu.md "On a GPU")
        print_against_default(rates, "jax/spe", f"JAX with `compile(steps_per_execution={args.steps_per_execution})` "
                              "against the default 1, same rounds:", "JAX img/s, 1 step per call",
                              f"{args.steps_per_execution} steps per call", "gain")
    if args.simultaneous:  # one generator forward pass and one discriminator pass fewer per step
        print_against_default(rates, "jax/simultaneous", "JAX with `variants.TutorialGAN` (the TensorFlow "
                              "tutorial's one-pass step) against the default `alternating`, same rounds:",
                              "alternating img/s", "simultaneous img/s", "simultaneous / alternating")


def print_against_default(rates: dict, loop: str, sentence: str, default: str, variant: str, ratio: str):
    """A table of one variant of the JAX loop (``loop`` in ``measure``'s rows) against the default one."""
    print(sentence)
    print()
    print(f"| architecture | batch | {default} | {variant} | {ratio} |")
    print("|---|---|---|---|---|")
    for architecture, row in rates.items():
        base, other = row["jax"], row[loop]
        print(f"| {architecture} | {CASES[architecture]} | {base:,.0f} | {other:,.0f} | {other / base:.2f}x |")
    print()


if __name__ == "__main__":
    main()
