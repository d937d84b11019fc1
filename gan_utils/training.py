"""The one GAN training core: a ``keras.Model`` that owns a generator and a discriminator.

As in keras-io's generative examples, ``GAN.train_step`` does the discriminator update(s), then one
generator update on fresh noise against the freshly updated discriminator (Goodfellow et al.'s
algorithm and the reports' order); Keras compiles it with tf.function and gives the GAN ``fit``,
progress bars, callbacks, History, ``evaluate`` and ``tf.distribute``. The losses come from
``losses`` as pairs; what differs between variants is a builder, a loss pair and a few options:

| variant | networks (``models``) | loss pair (``losses``) | ``GAN`` / ``compile`` options | notebook |
|---|---|---|---|---|
| GAN (reports 000/001) | ``keras_gan_*`` | ``LOSSES["non_saturating"]`` | (defaults) | 01 |
| minimax GAN | any | ``LOSSES["minimax"]`` | ``loss="minimax"`` | 01 (exercise) |
| label swap (report 000) | ``keras_gan_*`` | ``LOSSES["non_saturating"]`` | ``GAN(real_label=0, fake_label=1)`` | 05 |
| DCGAN (reports 001-004) | ``dcgan_*``, ``cifar_dcgan_*`` | ``LOSSES["non_saturating"]`` | (defaults) | 02, 03 |
| WGAN (report 003) | ``cifar_dcgan_*``, no dropout | ``LOSSES["wasserstein"]`` | ``d_steps=5, weight_clip=0.01`` | 04 |
| WGAN-GP | as WGAN | ``LOSSES["wasserstein"]`` | ``d_steps=5, gradient_penalty_weight=10`` | 04 |
| hinge + spectral norm (SNGAN) | ``models.spectral_normalized(d)`` | ``LOSSES["hinge"]`` | ``loss="hinge"`` | - |
| R1 penalty | any | any | ``r1_weight=gamma`` | - |
| DiffAugment | any | any | ``augment=("translation", "cutout")`` | - |
| generator weight average | any | any | ``ema_decay=0.999`` (samples from ``sampling_generator``) | - |
| conditional DCGAN (report 004) | ``conditional_dcgan_*`` | ``LOSSES["non_saturating"]`` | (a label input is enough) | 10 |
| ACGAN (report 003) | ``acgan_*``: class head on D | ``LOSSES[...]`` + ``ACGAN_CLASS_LOSS`` | ``class_loss_weight=1`` | 11 |

Per named configuration: ``configurations.variant_table()`` (the variant table in docs/package.md).

The networks' signatures say which kind a GAN is: ``generator(latent)`` with ``discriminator(image)
-> logit`` is unconditional; ``generator([latent, label])`` with ``discriminator([image, label])``
is input conditioning; with ``discriminator(image) -> [logit, class logits]`` it is an ACGAN. A
conditional GAN trains on (images, labels) batches, and a step's fakes take the labels of its real
batch. Logged: ``d_loss`` and ``g_loss``; ``real_acc`` / ``fake_acc`` for the cross-entropy pairs
or ``wasserstein`` (the critic's estimate) for WGAN; ``gradient_penalty``; and an ACGAN's
``class_loss``, ``g_class_loss``, ``real_class_acc``, ``fake_class_acc``; ``r1_penalty`` with R1.

The gradient tapes make this step TensorFlow's; on Keras' JAX backend ``jax_step`` runs the same
update as a pure function of the training state. Sampling lives in ``sampling``.
"""

from __future__ import annotations

import sys

import keras
import numpy as np
from keras import ops

from gan_utils import augment as augmentation
from gan_utils import data, losses, sampling

if keras.backend.backend() == "tensorflow":
    # The tape-based step below is TensorFlow's; on JAX the package runs without TensorFlow
    # installed (jax_step), so it is imported only where it is used.
    import tensorflow as tf

LOGGED_TERMS = ("d_loss", "g_loss", "wasserstein", "gradient_penalty", "r1_penalty", "class_loss", "g_class_loss")
# How one training step updates the two networks (``GAN.compile(update=...)``):
UPDATES = {
    # The reports' and Goodfellow et al.'s order: the discriminator learns, then the generator
    # learns against the updated discriminator. One generator forward pass serves both: its fakes
    # train the discriminator (the generator's tape paused), then go through the updated one.
    "alternating": "discriminator first, then the generator against it, on the same fakes",
    # The same order with fresh noise for the generator's update, as Goodfellow et al.'s
    # Algorithm 1 writes it: one more generator forward pass per step.
    "alternating_fresh_noise": "discriminator first, then the generator on fresh noise",
    # The TensorFlow DCGAN tutorial's train_step: one forward pass of each network, both losses,
    # both gradients applied together (the generator learns against the discriminator as it was).
    "simultaneous": "both networks from one forward pass, as the TensorFlow tutorial",
}


def default_jit_compile() -> bool:
    """XLA where it pays: on a GPU. On a CPU it made the DCGAN step slower (docs/backends-and-gpu.md, "On a GPU").
    On JAX always: ``jax.jit`` is how JAX compiles a step at all (without it every operation is
    dispatched one by one)."""
    if keras.backend.backend() == "jax":
        return True
    return bool(tf.config.list_physical_devices("GPU"))


def _is_tf_dataset(x) -> bool:
    """Whether ``x`` is a tf.data pipeline (without importing TensorFlow where it is absent)."""
    tensorflow = sys.modules.get("tensorflow")
    return tensorflow is not None and isinstance(x, tensorflow.data.Dataset)


def _is_pipeline(x) -> bool:
    """A pipeline of batches (tf.data or data.Batches), as data.make_dataset returns them."""
    return _is_tf_dataset(x) or isinstance(x, data.Batches)


def adam(learning_rate=2e-4, beta_1: float = 0.5, beta_2: float = 0.999) -> keras.optimizers.Adam:
    """Adam as the reports and the DCGAN paper set it: learning rate 2e-4, beta_1 0.5
    (WGAN-GP uses beta_2 0.9). ``learning_rate`` may be a schedule, e.g.
    ``keras.optimizers.schedules.CosineDecay(2e-4, steps)``, which settled the DCGAN's sample
    quality on the MNIST digits (benchmarks/quality_digits.py)."""
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit``.

    Args:
        generator: maps a (batch, latent_dim) normal sample (and, if conditional, a label) to images.
        discriminator: maps images (and, with input conditioning, labels) to one logit per image
            (no sigmoid); an ACGAN discriminator returns [logit, class logits].
        real_label, fake_label: the targets the discriminator is trained towards (1 and 0 by
            default; the label-swap experiment uses 0 and 1; ``real_label=0.9`` is one-sided label
            smoothing, Salimans et al. 2016, section 3.4).
        generator_label: the target the generator trains its fakes towards; None (the default)
            means ``real_label``. ``GAN(real_label=0.9, generator_label=1.0)`` smooths the
            discriminator's real target only (docs/results.md: which half cures report 004's model).
        seed: seed of the latent noise drawn inside the train step; None follows the global seed
            set with ``keras.utils.set_random_seed``.
        n_classes: number of classes of a conditional GAN; read from the class head or the
            generator's "label_embedding" layer when not given.
    """

    def __init__(self, generator, discriminator, real_label=1.0, fake_label=0.0, seed=None, n_classes=None,
                 generator_label=None, **kwargs):
        if real_label == fake_label:
            raise ValueError(f"real_label and fake_label must differ, both are {real_label!r}.")
        if generator_label is not None and generator_label == fake_label:
            raise ValueError(f"generator_label must differ from fake_label ({fake_label!r}): the generator would "
                             "train its fakes to look fake.")
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        # Both networks are built models, so the GAN is too (save_weights and BackupAndRestore need it).
        self.built = True
        self.conditioning = _conditioning(generator, discriminator)
        self.n_classes = _n_classes(generator, discriminator, self.conditioning, n_classes)
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.image_shape = tuple(generator.outputs[0].shape[1:])
        if tuple(discriminator.inputs[0].shape[1:]) != self.image_shape:
            raise ValueError(
                f"The generator makes images of shape {self.image_shape} but the discriminator "
                f"takes {tuple(discriminator.inputs[0].shape[1:])}."
            )
        self.real_label = float(real_label)
        self.fake_label = float(fake_label)
        self.generator_label = self.real_label if generator_label is None else float(generator_label)
        self.seed_generator = keras.random.SeedGenerator(seed)
        # One running mean per logged term; compile picks the ones its variant logs.
        self.means = {name: keras.metrics.Mean(name=name) for name in LOGGED_TERMS}
        # Logit > 0 means "closer to label 1"; y_true is the label each half is trained towards.
        self.real_accuracy = keras.metrics.BinaryAccuracy(name="real_acc", threshold=0.0)
        self.fake_accuracy = keras.metrics.BinaryAccuracy(name="fake_acc", threshold=0.0)
        self.real_class_accuracy = keras.metrics.SparseCategoricalAccuracy(name="real_class_acc")
        self.fake_class_accuracy = keras.metrics.SparseCategoricalAccuracy(name="fake_class_acc")

    @property
    def sampling_generator(self) -> keras.Model:
        """The network images are drawn from: the weight average when compiled with ``ema_decay``."""
        if getattr(self, "ema_decay", None) is not None:
            return self.ema_generator
        return self.generator

    def _update_average(self):
        """One step of the generator's weight average, as StyleGAN2-ADA's training loop does it: the
        weights are averaged with a half-life that ramps up with training (``ema_rampup`` times the
        generator steps so far, at most ``ema_decay``'s), and the batch-norm statistics are copied.
        Averaging the first steps' fast-changing weights, or their statistics, gave samples that got
        worse for thousands of steps (the DCGAN on real digits, docs/benchmarks.md)."""
        if getattr(self, "ema_decay", None) is None:
            return
        decay = self.ema_decay
        if self.ema_rampup is not None:
            half_life = ops.minimum(np.log(0.5) / np.log(self.ema_decay),
                                    self.ema_rampup * ops.cast(self.g_optimizer.iterations, "float32"))
            decay = ops.power(0.5, 1.0 / ops.maximum(half_life, 1e-8))
        for average, weight in zip(self.ema_generator.trainable_weights, self.generator.trainable_weights):
            average.assign(decay * average + (1.0 - decay) * weight)
        for average, statistic in zip(self.ema_generator.non_trainable_weights, self.generator.non_trainable_weights):
            average.assign(statistic)

    @property
    def conditional(self) -> bool:
        return self.conditioning is not None

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss: str = "non_saturating",
        d_steps: int = 1,
        weight_clip: float | None = None,
        gradient_penalty_weight: float = 0.0,
        r1_weight: float = 0.0,
        augment=(),
        ema_decay: float | None = None,
        ema_rampup: float | None = 0.05,
        class_loss_weight: float = 1.0,
        update: str = "alternating",
        jit_compile=None,
        **kwargs,
    ):
        """Configure training.

        Args:
            d_optimizer, g_optimizer: one optimizer per network (Adam 2e-4 / 0.5 by default).
            loss: "non_saturating" (the reports'), "minimax" or "wasserstein" (see ``losses.LOSSES``).
            d_steps: discriminator (critic) updates per generator update, each on its own real
                batch (the WGAN paper uses 5). ``fit`` then groups the dataset's batches by d_steps.
            weight_clip: clip every discriminator weight to [-c, c] after each of its updates (WGAN).
            gradient_penalty_weight: weight of WGAN-GP's gradient penalty (10 in the paper).
            r1_weight: gamma of the R1 penalty, gamma / 2 * ||grad D(x)||^2 on real images
                (Mescheder et al. 2018; ``losses.r1_penalty``), added to the discriminator's loss.
            augment: DiffAugment transforms, e.g. ("translation", "cutout") (``augment``): applied
                to real and generated images alike whenever the discriminator sees them in training.
            ema_decay: keep an exponential moving average of the generator's weights (e.g. 0.999),
                updated after every generator step, and sample from it (``sampling_generator``):
                grids, GIFs and scores. It is part of the GAN's weights, so checkpoints and
                ``BackupAndRestore`` save and restore it (Yazici et al. 2019, *The Unusual
                Effectiveness of Averaging in GAN Training*).
            ema_rampup: the average's half-life is at most this share of the generator steps so far
                (StyleGAN2-ADA's ``ema_rampup``, 0.05), so that it follows the fast early changes;
                None averages with ``ema_decay`` from the first step. Batch-norm statistics are
                copied, not averaged (``_update_average``).
            class_loss_weight: weight of the ACGAN class term in both networks' losses (1 in
                report 003's sum of source and class loss); used by ACGANs only.
            update: "alternating" (default; the reports'), "alternating_fresh_noise" or
                "simultaneous" (the TensorFlow tutorial's, one discriminator step): see ``UPDATES``.
            jit_compile: XLA; None turns it on where a GPU is visible (``default_jit_compile``).
        """
        if loss not in losses.LOSSES:
            raise ValueError(f"Unknown loss {loss!r}; accepted are {sorted(losses.LOSSES)}.")
        if not isinstance(d_steps, int) or d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}.")
        if weight_clip is not None and not weight_clip > 0:
            raise ValueError(f"weight_clip must be positive or None, got {weight_clip!r}.")
        if gradient_penalty_weight < 0:
            raise ValueError(f"gradient_penalty_weight must be >= 0, got {gradient_penalty_weight!r}.")
        if not r1_weight >= 0:
            raise ValueError(f"r1_weight must be >= 0, got {r1_weight!r}.")
        if not class_loss_weight >= 0:
            raise ValueError(f"class_loss_weight must be >= 0, got {class_loss_weight!r}.")
        augment = augmentation.check_policy(augment)
        if ema_decay is not None and not 0 < ema_decay < 1:
            raise ValueError(f"ema_decay must be between 0 and 1 (e.g. 0.999) or None, got {ema_decay!r}.")
        if update not in UPDATES:
            raise ValueError(f"Unknown update {update!r}; accepted are {sorted(UPDATES)}.")
        if update == "simultaneous" and d_steps != 1:
            raise ValueError(f"update='simultaneous' makes one discriminator step per generator step; got d_steps={d_steps}.")
        if jit_compile is None:
            jit_compile = default_jit_compile()
        # The GAN's own `optimizer` stays None: the two networks have theirs.
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.d_optimizer = _with_loss_scaling(d_optimizer or adam())
        self.g_optimizer = _with_loss_scaling(g_optimizer or adam())
        # Build the optimizer slots now, so a checkpoint written before or after the first step
        # holds (and restores) the full optimizer state.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        if keras.backend.backend() == "jax":
            from gan_utils import jax_step

            # Keras' JAX trainer carries one optimizer's variables in the training state.
            self.optimizer = jax_step.OptimizerPair(self.d_optimizer, self.g_optimizer)
        self.loss_name = loss
        self.gan_loss = losses.LOSSES[loss]
        self.d_steps = d_steps
        self.weight_clip = weight_clip
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.r1_weight = float(r1_weight)
        self.augment = augment
        if ema_rampup is not None and not ema_rampup > 0:
            raise ValueError(f"ema_rampup must be positive (e.g. 0.05) or None, got {ema_rampup!r}.")
        self.ema_decay = ema_decay
        self.ema_rampup = None if ema_rampup is None else float(ema_rampup)
        if ema_decay is not None and getattr(self, "ema_generator", None) is None:
            # Starts as a copy of the generator; a tracked sub-model, so it is saved with the GAN.
            self.ema_generator = keras.models.clone_model(self.generator)
            self.ema_generator.set_weights(self.generator.get_weights())
        self.class_loss_weight = float(class_loss_weight)
        self.update = update
        trackers = [self.means["d_loss"], self.means["g_loss"]]
        if self.gan_loss.classifies:
            trackers += [self.real_accuracy, self.fake_accuracy]
        else:
            trackers.append(self.means["wasserstein"])
        if self.gradient_penalty_weight:
            trackers.append(self.means["gradient_penalty"])
        if self.r1_weight:
            trackers.append(self.means["r1_penalty"])
        if self.conditioning == "auxiliary":
            trackers += [self.means["class_loss"], self.means["g_class_loss"], self.real_class_accuracy,
                         self.fake_class_accuracy]
        self._trackers = trackers

    def fit(self, x=None, *args, shuffle=False, steps_per_epoch=None, **kwargs):
        """Keras ``fit``. Shuffling belongs to the pipeline (``data.make_dataset``), so the
        ``shuffle`` flag, which Keras ignores (with a warning) for datasets, defaults to False.

        A finite pipeline is fed as one repeated iterator with ``steps_per_epoch`` set to its length
        unless given: the same epochs, reshuffled each time, but Keras no longer makes a new
        iterator per epoch, whose clean-up stalled every epoch by seconds on a CPU, and a
        ``steps_per_epoch`` longer than the dataset trains every step it asks for (Keras alone stops
        at the data's end with "Your input ran out of data"). With ``d_steps`` > 1
        the batches are grouped ``d_steps`` at a time, so an epoch still reads every batch once and
        has 1/d_steps as many (generator) steps.
        """
        if self.conditional and not _is_pipeline(x):
            y = kwargs.get("y", args[0] if args else None)
            if y is None:
                raise ValueError(
                    f"This GAN is conditional ({self.n_classes} classes): fit needs labels, as "
                    "fit(images, labels) or a data.make_dataset(images, labels) pipeline."
                )
            self.check_labels(y, len(x))
        if self.d_steps > 1:
            if not _is_pipeline(x):
                raise ValueError(
                    f"d_steps={self.d_steps} needs a pipeline of batches (data.make_dataset), "
                    f"got {type(x).__name__}."
                )
            x = x.grouped(self.d_steps) if isinstance(x, data.Batches) else x.batch(self.d_steps, drop_remainder=True)
        if steps_per_epoch is not None and not steps_per_epoch >= 1:
            raise ValueError(f"steps_per_epoch must be a positive integer or None, got {steps_per_epoch!r}.")
        if _is_pipeline(x):
            batches = int(x.cardinality()) if _is_tf_dataset(x) else len(x)
            if batches == 0:
                raise ValueError(f"The dataset has fewer than d_steps={self.d_steps} batches: no step to train.")
            if batches > 0:  # finite (tf.data says -1 for infinite, -2 for unknown)
                # Repeated, so that every epoch trains the steps asked for, even beyond one pass.
                x = x.repeat() if _is_tf_dataset(x) else x.repeated()
                steps_per_epoch = steps_per_epoch or batches
        return super().fit(x, *args, shuffle=shuffle, steps_per_epoch=steps_per_epoch, **kwargs)

    @property
    def metrics(self):
        # Listed here so Keras resets them at the start of every epoch.
        return list(getattr(self, "_trackers", [self.means["d_loss"], self.means["g_loss"]]))

    def call(self, inputs, training=False):
        """Images from latent points, or from [latent points, labels] for a conditional GAN."""
        if self.conditional:
            noise, labels = inputs
            return self._generate(noise, labels, training)
        return self.generator(inputs, training=training)

    def sample_noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _generate(self, noise, labels, training):
        if self.conditional:
            return self.generator([noise, _label_column(labels)], training=training)
        return self.generator(noise, training=training)

    def _discriminate(self, images, labels, training):
        """(real/fake outputs, class logits or None) of the discriminator; in training, on images
        augmented by the compiled DiffAugment policy (real and generated alike)."""
        if training and getattr(self, "augment", ()):
            images = augmentation.diff_augment(images, self.augment, self.seed_generator)
        if self.conditioning == "input":
            return self.discriminator([images, _label_column(labels)], training=training), None
        if self.conditioning == "auxiliary":
            return tuple(self.discriminator(images, training=training))
        return self.discriminator(images, training=training), None

    def _unpack(self, data):
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.conditional and labels is None:
            raise ValueError(
                f"This GAN is conditional ({self.conditioning} conditioning, {self.n_classes} classes) "
                "and trains on (images, labels) batches: use data.make_dataset(images, labels, ...)."
            )
        return images, (labels if self.conditional else None)

    # --- the losses of one step, as the loss pairs in ``losses`` define them -------------------

    def _discriminator_losses(self, real_images, fake_images, labels, training, fake_outputs=None):
        """(the loss the discriminator minimises, the terms to log). Also updates the accuracies.
        ``fake_outputs``: the discriminator's (outputs, class logits) on the fakes, if computed."""
        real_outputs, real_classes = self._discriminate(real_images, labels, training)
        fake_outputs, fake_classes = fake_outputs or self._discriminate(fake_images, labels, training)
        terms = {"d_loss": self.gan_loss.discriminator(real_outputs, fake_outputs, self.real_label, self.fake_label)}
        if self.gan_loss.classifies:
            # The side each half belongs to (1: the real label's side), so that a smoothed target
            # such as real_label=0.9 still counts a confident "real" as right.
            real_side = 1.0 if self.real_label > self.fake_label else 0.0
            self.real_accuracy.update_state(ops.full_like(real_outputs, real_side), real_outputs)
            self.fake_accuracy.update_state(ops.full_like(fake_outputs, 1.0 - real_side), fake_outputs)
        else:
            terms["wasserstein"] = losses.wasserstein_estimate(real_outputs, fake_outputs)
        total = terms["d_loss"]
        if self.conditioning == "auxiliary":
            terms["class_loss"] = losses.ACGAN_CLASS_LOSS.discriminator(labels, real_classes, fake_classes)
            total = total + self.class_loss_weight * terms["class_loss"]
            self.real_class_accuracy.update_state(ops.reshape(labels, (-1,)), real_classes)
            self.fake_class_accuracy.update_state(ops.reshape(labels, (-1,)), fake_classes)
        return total, terms

    def _generator_losses(self, fake_images, labels, training, fake_outputs=None):
        """(the loss the generator minimises, the terms to log)."""
        outputs, classes = fake_outputs or self._discriminate(fake_images, labels, training)
        terms = {"g_loss": self.gan_loss.generator(outputs, self.generator_label, self.fake_label)}
        total = terms["g_loss"]
        if self.conditioning == "auxiliary":
            terms["g_class_loss"] = losses.ACGAN_CLASS_LOSS.generator(labels, classes)
            total = total + self.class_loss_weight * terms["g_class_loss"]
        return total, terms

    def _log(self, terms):
        for name, value in terms.items():
            self.means[name].update_state(value)

    @staticmethod
    def _scaled(optimizer, loss):
        """The loss whose gradient is applied (computed under the tape): divided by the number of
        replicas (tf.distribute sums the replicas' gradients), times the loss scale under mixed
        precision (on JAX ``LossScaleOptimizer.stateless_apply`` unscales the gradients)."""
        replicas = tf.distribute.get_strategy().num_replicas_in_sync if keras.backend.backend() == "tensorflow" else 1
        return optimizer.scale_loss(ops.cast(loss, "float32") / replicas)

    @staticmethod
    def _apply(optimizer, tape, scaled_loss, variables):
        optimizer.apply_gradients(zip(tape.gradient(scaled_loss, variables), variables))

    # --- training -----------------------------------------------------------------------------

    def _penalised(self, total, terms, real_images, fake_images, labels):
        """Add the penalties the GAN was compiled with (WGAN-GP's, R1) to the discriminator's loss."""
        if self.r1_weight:
            terms["r1_penalty"] = losses.r1_penalty(
                lambda images: self._discriminate(images, labels, training=True)[0], real_images)
            total = total + 0.5 * self.r1_weight * terms["r1_penalty"]
            terms["d_loss"] = terms["d_loss"] + 0.5 * self.r1_weight * terms["r1_penalty"]
        if not self.gradient_penalty_weight:
            return total
        interpolation = keras.random.uniform((ops.shape(real_images)[0],), seed=self.seed_generator)
        terms["gradient_penalty"] = losses.gradient_penalty(
            lambda images: self._discriminate(images, labels, training=True)[0],
            real_images, ops.cast(fake_images, real_images.dtype), interpolation,
        )
        terms["d_loss"] = terms["d_loss"] + self.gradient_penalty_weight * terms["gradient_penalty"]
        return total + self.gradient_penalty_weight * terms["gradient_penalty"]

    def _clip_discriminator(self):
        if self.weight_clip is not None:
            for variable in self.discriminator.trainable_variables:
                variable.assign(ops.clip(variable, -self.weight_clip, self.weight_clip))

    def _discriminator_step(self, real_images, labels, fake_images=None):
        if fake_images is None:  # the generator runs outside any tape: its gradients are not needed
            fake_images = self._generate(self.sample_noise(ops.shape(real_images)[0]), labels, training=True)
        with tf.GradientTape() as tape:
            total, terms = self._discriminator_losses(real_images, fake_images, labels, training=True)
            total = self._penalised(total, terms, real_images, fake_images, labels)
            scaled = self._scaled(self.d_optimizer, total)
        self._apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)
        self._clip_discriminator()
        self._log(terms)

    def train_step(self, *args):
        """One training step. On TensorFlow Keras calls ``train_step(data)`` inside a tf.function;
        on JAX it calls ``train_step(state, data)``, answered by ``jax_step.train_step`` with the
        same update as a pure function of the state."""
        if keras.backend.backend() == "jax":
            from gan_utils import jax_step

            return jax_step.train_step(self, *args)
        (data,) = args
        real_images, labels = self._unpack(data)
        if self.update == "simultaneous":
            return self._simultaneous_step(real_images, labels)
        if self.d_steps > 1:
            # fit grouped d_steps batches: a critic update on each, the generator's after the last.
            for index in range(self.d_steps - 1):
                self._discriminator_step(real_images[index], None if labels is None else labels[index])
            real_images, labels = real_images[-1], None if labels is None else labels[-1]
        noise = self.sample_noise(ops.shape(real_images)[0])
        with tf.GradientTape() as tape:
            if self.update == "alternating":
                fake_images = self._generate(noise, labels, training=True)
                with tape.stop_recording():  # the discriminator learns on these fakes first
                    self._discriminator_step(real_images, labels, ops.stop_gradient(fake_images))
            else:
                with tape.stop_recording():
                    self._discriminator_step(real_images, labels)
                fake_images = self._generate(noise, labels, training=True)
            # The generator's step, against the discriminator just updated.
            total, terms = self._generator_losses(fake_images, labels, training=True)
            scaled = self._scaled(self.g_optimizer, total)
        self._apply(self.g_optimizer, tape, scaled, self.generator.trainable_variables)
        self._update_average()
        self._log(terms)
        return {metric.name: metric.result() for metric in self.metrics}

    def _simultaneous_step(self, real_images, labels):
        """The TensorFlow tutorial's step: one forward pass, two tapes, both updates at once."""
        noise = self.sample_noise(ops.shape(real_images)[0])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake_images = self._generate(noise, labels, training=True)
            fake_outputs = self._discriminate(fake_images, labels, training=True)
            d_total, d_terms = self._discriminator_losses(real_images, fake_images, labels, True, fake_outputs)
            d_total = self._penalised(d_total, d_terms, real_images, ops.stop_gradient(fake_images), labels)
            g_total, g_terms = self._generator_losses(fake_images, labels, True, fake_outputs)
            d_scaled, g_scaled = self._scaled(self.d_optimizer, d_total), self._scaled(self.g_optimizer, g_total)
        self._apply(self.g_optimizer, g_tape, g_scaled, self.generator.trainable_variables)
        self._apply(self.d_optimizer, d_tape, d_scaled, self.discriminator.trainable_variables)
        self._update_average()
        self._clip_discriminator()
        self._log({**d_terms, **g_terms})
        return {metric.name: metric.result() for metric in self.metrics}

    def test_step(self, *args):
        """The same losses and accuracies on held-out real images and fresh fakes, no updates (on
        JAX, ``test_step(state, data)``, as ``train_step``)."""
        if keras.backend.backend() == "jax":
            from gan_utils import jax_step

            return jax_step.test_step(self, *args)
        (data,) = args
        self._test_step_updates(data)
        return {metric.name: metric.result() for metric in self.metrics}

    def _test_step_updates(self, data):
        real_images, labels = self._unpack(data)
        fake_images = self._generate(self.sample_noise(ops.shape(real_images)[0]), labels, training=False)
        self._log(self._discriminator_losses(real_images, fake_images, labels, training=False)[1])
        self._log(self._generator_losses(fake_images, labels, training=False)[1])

    # --- labels and images --------------------------------------------------------------------

    def check_labels(self, labels, n: int) -> np.ndarray:
        """Labels for n images of a conditional GAN as int32 (n,): integers in 0..n_classes-1 of
        shape (n,) or (n, 1). The Embedding layers would otherwise wrap or zero a bad label silently
        on some devices."""
        if not self.conditional:
            raise ValueError("This GAN is unconditional: it takes no labels.")
        return data.check_labels(labels, n, self.n_classes)

    def generate(self, noise, labels=None, batch_size: int = 256) -> np.ndarray:
        """Images for latent points (and labels), as a NumPy array: ``sampling.generate``."""
        return sampling.generate(self, noise, labels, batch_size)

    def sample(self, n: int, seed: int = 0, labels=None) -> np.ndarray:
        """n images from n fixed-seed latent points: ``sampling.sample``."""
        return sampling.sample(self, n, seed, labels)


def _label_column(labels):
    """Labels as the (batch, 1) int32 column the networks' label input takes."""
    return ops.reshape(ops.cast(labels, "int32"), (-1, 1))


def _conditioning(generator, discriminator):
    """None, "input" or "auxiliary", from the networks' numbers of inputs and outputs."""
    signature = (len(generator.inputs), len(discriminator.inputs), len(discriminator.outputs))
    kinds = {(1, 1, 1): None, (2, 2, 1): "input", (2, 1, 2): "auxiliary"}
    if signature not in kinds:
        raise ValueError(
            f"Cannot pair a generator with {signature[0]} input(s) and a discriminator with {signature[1]} "
            f"input(s) and {signature[2]} output(s). Accepted: generator(latent) + discriminator(image) -> logit; "
            "generator([latent, label]) + discriminator([image, label]) -> logit; or "
            "generator([latent, label]) + discriminator(image) -> [logit, class logits] (ACGAN)."
        )
    return kinds[signature]


def _n_classes(generator, discriminator, conditioning, n_classes):
    if conditioning is None:
        if n_classes is not None:
            raise ValueError(f"n_classes={n_classes!r} was given but the networks take no labels.")
        return None
    found = None
    if conditioning == "auxiliary":
        found = int(discriminator.outputs[1].shape[-1])
    else:
        embeddings = [layer for layer in generator.layers if isinstance(layer, keras.layers.Embedding)]
        if embeddings:
            found = int(embeddings[0].input_dim)
    if n_classes is None:
        if found is None:
            raise ValueError("Cannot tell the number of classes from the generator: pass n_classes.")
        return found
    if found is not None and found != n_classes:
        raise ValueError(f"n_classes={n_classes} but the networks are built for {found} classes.")
    return int(n_classes)


def _with_loss_scaling(optimizer):
    """Under the mixed_float16 policy, wrap an optimizer so small float16 gradients do not underflow."""
    policy = keras.mixed_precision.dtype_policy()
    if policy.compute_dtype == "float16" and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer
