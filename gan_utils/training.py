"""The GAN every notebook trains: a ``keras.Model`` whose ``train_step`` you read in one screen.

As in keras-io's generative examples, ``GAN.train_step`` updates the discriminator, then the
generator against the freshly updated discriminator (Goodfellow et al.'s Algorithm 1 and the
reports' order), and Keras gives the GAN ``fit``, progress bars, callbacks, History, ``evaluate``
and ``tf.distribute``. A variant is a small subclass that overrides what it changes (``variants``:
the tutorial's simultaneous step, WGAN, conditioning, ACGAN, the modern ingredients; docs/package.md,
"Adding a variant"). What differs between TensorFlow and JAX is in ``steps``; drawing images is in
``sampling``.
"""

from __future__ import annotations

import keras
from keras import ops

from gan_utils import losses, pipelines, sampling, steps


def default_jit_compile() -> bool:
    """XLA where it pays: on a GPU (on a CPU it made the DCGAN step slower, docs/backends-and-gpu.md)
    and always on JAX, where ``jax.jit`` is how a step is compiled at all."""
    if keras.backend.backend() == "jax":
        return True
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


OPTIMIZERS = ("adam", "rmsprop", "sgd")


def optimizer(kind: str = "adam", learning_rate=2e-4, beta_1: float = 0.5, beta_2: float = 0.999):
    """The one optimizer builder: Adam (the reports' and the DCGAN paper's 2e-4, beta_1 0.5; WGAN-GP
    uses beta_2 0.9), RMSprop (the WGAN paper's) or SGD with momentum ``beta_1`` (Goodfellow et
    al.'s). ``learning_rate`` may be a schedule, e.g. ``keras.optimizers.schedules.CosineDecay``."""
    if kind == "adam":
        return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)
    if kind == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate=learning_rate)
    if kind == "sgd":
        return keras.optimizers.SGD(learning_rate=learning_rate, momentum=beta_1)
    raise ValueError(f"Unknown optimizer {kind!r}; accepted are {list(OPTIMIZERS)}.")


def adam(learning_rate=2e-4, beta_1: float = 0.5, beta_2: float = 0.999) -> keras.optimizers.Adam:
    """``optimizer("adam", ...)``: the reports' default."""
    return optimizer("adam", learning_rate, beta_1, beta_2)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit``: the generator maps
    (batch, latent_dim) normal noise to images, the discriminator images to one logit each.
    ``real_label``/``fake_label``: the discriminator's targets (1 and 0); ``generator_label``: the
    generator's target for its fakes (default ``real_label``; real 0.9 with generator 1 is one-sided
    label smoothing, Salimans et al. 2016); ``seed``: of the noise drawn in the step."""

    conditional, n_classes, d_steps = False, None, 1  # d_steps: discriminator updates per generator update
    signature = (1, 1, 1)  # the generator's inputs, the discriminator's inputs and outputs

    def __init__(self, generator, discriminator, real_label=1.0, fake_label=0.0, generator_label=None,
                 seed=None, **kwargs):
        generator_label = real_label if generator_label is None else generator_label
        if fake_label in (real_label, generator_label):
            raise ValueError(f"fake_label {fake_label!r} must differ from real_label {real_label!r} and "
                             f"generator_label {generator_label!r}.")
        self.check_networks(generator, discriminator)
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.built = True  # both networks are built (save_weights and BackupAndRestore need it)
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.real_label, self.fake_label, self.generator_label = float(real_label), float(fake_label), float(generator_label)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.logged}

    logged = ("d_loss", "g_loss", "real_acc", "fake_acc")  # the running means fit shows

    def check_networks(self, generator, discriminator):
        """A clear error for networks this class cannot train (their inputs and outputs: ``signature``)."""
        found = (len(generator.inputs), len(discriminator.inputs), len(discriminator.outputs))
        if found != self.signature:
            raise ValueError(f"{type(self).__name__} takes networks with (generator inputs, discriminator inputs, discriminator "
                             f"outputs) = {self.signature}; these have {found} (labels: use variants.ConditionalGAN "
                             "or variants.ACGAN).")
        if tuple(generator.outputs[0].shape[1:]) != tuple(discriminator.inputs[0].shape[1:]):
            raise ValueError(f"The generator makes images of shape {tuple(generator.outputs[0].shape[1:])} but "
                             f"the discriminator takes {tuple(discriminator.inputs[0].shape[1:])}.")

    def compile(self, d_optimizer=None, g_optimizer=None, jit_compile=None, **kwargs):
        """One optimizer per network (Adam 2e-4 / 0.5 by default); XLA where a GPU is (``default_jit_compile``)."""
        self.d_optimizer = steps.with_loss_scaling(d_optimizer or adam())
        self.g_optimizer = steps.with_loss_scaling(g_optimizer or adam())
        # Built now, so a checkpoint written before the first step holds the optimizers' full state.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        jit_compile = default_jit_compile() if jit_compile is None else jit_compile
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.optimizer = steps.trainer_optimizer(self.d_optimizer, self.g_optimizer)

    @property
    def metrics(self):  # Keras resets these at the start of every epoch
        return list(self.trackers.values())

    def fit(self, x=None, *args, steps_per_epoch=None, shuffle=False, **kwargs):
        """Keras ``fit``; a finite pipeline is repeated so every epoch trains ``steps_per_epoch``
        (``pipelines.for_fit``). Shuffling belongs to the pipeline, so ``shuffle`` defaults to False."""
        x, steps_per_epoch = pipelines.for_fit(x, steps_per_epoch, group=self.d_steps)
        return super().fit(x, *args, steps_per_epoch=steps_per_epoch, shuffle=shuffle, **kwargs)

    # --- the networks, and the losses over the discriminator's outputs ---------------------------

    def make_images(self, noise, labels=None, training=False):
        return self.generator(noise, training=training)

    def discriminate(self, images, labels=None, training=False):
        return self.discriminator(images, training=training)

    def discriminator_terms(self, real_output, fake_output, labels=None):
        """What the discriminator minimises (``d_loss``) and how often it is right on each half."""
        real_side = float(self.real_label > self.fake_label)  # smoothed targets count on their side
        return {"d_loss": losses.discriminator_loss(real_output, fake_output, self.real_label, self.fake_label),
                "real_acc": ops.cast((real_output > 0) == (real_side > 0), "float32"),
                "fake_acc": ops.cast((fake_output > 0) != (real_side > 0), "float32")}

    def generator_terms(self, fake_output, labels=None):
        return {"g_loss": losses.non_saturating_generator_loss(fake_output, self.generator_label, self.fake_label)}

    def discriminator_objective(self, real_images, fake_images, labels=None, training=True):
        """The terms of the discriminator's update; penalties on the images are added here."""
        return self.discriminator_terms(self.discriminate(real_images, labels, training),
                                        self.discriminate(fake_images, labels, training), labels)

    # --- one training step ---------------------------------------------------------------------

    def update_discriminator(self, real_images, fake_images, labels=None):
        variables = self.discriminator.trainable_variables
        terms, grads = steps.gradients(lambda: self.discriminator_objective(real_images, fake_images, labels),
                                       variables, self.d_optimizer, loss="d_loss")
        steps.apply(self.d_optimizer, grads, variables)
        return terms

    def train_step(self, *args):  # (data) on TensorFlow, (state, data) on JAX: steps.run
        return steps.run(self, self.gan_step, args)

    def gan_step(self, data):
        real_images, labels = self.unpack(data)
        noise = self.sample_noise(ops.shape(real_images)[0])
        # 1. The discriminator learns on the generator's fakes (its gradient stops at the images);
        # one forward pass of the generator serves both updates.
        variables = self.generator.trainable_variables
        fake_images, backpropagate = steps.forward(lambda: self.make_images(noise, labels, training=True), variables)
        d_terms = self.update_discriminator(real_images, ops.stop_gradient(fake_images), labels)
        # 2. The generator learns against the updated discriminator, through the same fakes.
        g_terms, image_grads = steps.input_gradients(
            lambda images: self.generator_terms(self.discriminate(images, labels, training=True), labels),
            fake_images, self.g_optimizer, loss="g_loss")
        steps.apply(self.g_optimizer, backpropagate(image_grads), variables)
        return self.log({**d_terms, **g_terms})

    def test_step(self, *args):
        """The same terms on held-out real images and fresh fakes, with no update."""
        return steps.run(self, self.evaluation_step, args)

    def evaluation_step(self, data):
        real_images, labels = self.unpack(data)
        fake_images = self.make_images(self.sample_noise(ops.shape(real_images)[0]), labels)
        terms = self.discriminator_objective(real_images, fake_images, labels, training=False)
        return self.log({**terms, **self.generator_terms(self.discriminate(fake_images, labels), labels)})

    def log(self, terms):
        """Update the running means from the terms the losses returned; the logs fit shows."""
        for name in self.trackers:
            self.trackers[name].update_state(terms[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # --- noise, batches and images -------------------------------------------------------------

    def sample_noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def unpack(self, data):
        """(real images, labels or None) of a batch; unconditional GANs ignore labels."""
        return keras.utils.unpack_x_y_sample_weight(data)[0], None

    @property
    def sampling_generator(self):
        """The network images are drawn from (a weight average overrides it)."""
        return self.generator

    def call(self, noise, training=False):
        return self.sampling_generator(noise, training=training)

    def generate(self, noise, labels=None, batch_size: int = 256):
        """Images for latent points as a NumPy array: ``sampling.generate``."""
        return sampling.generate(self, noise, labels, batch_size)

    def sample(self, n: int, seed: int = 0, labels=None):
        """n images from n fixed-seed latent points: ``sampling.sample``."""
        return sampling.sample(self, n, seed, labels)
