"""The GAN's train step on Keras' JAX backend: the same update as ``training.GAN.train_step``, as a
pure function of the training state.

On JAX, Keras calls ``train_step(state, data)`` inside ``jax.jit`` and expects ``(logs, new state)``
back; nothing may change a variable in place (Keras' guide *Customizing what happens in fit() with
JAX*). The GAN's maths (its losses, penalties, augmentation, metrics, weight average and clipping)
is the one written for both backends in ``training`` and ``losses``: here every piece of it runs
inside a ``keras.StatelessScope`` that maps each variable to its current value in the state, and
each piece's variable updates (batch-norm statistics, random seeds, metrics, optimizer slots) are
collected into the state that the next piece sees. Gradients are ``jax.value_and_grad`` of such a
piece with respect to one network's weights, and the optimizers apply them with
``stateless_apply``. The alternating update reuses the generator's forward pass as the TensorFlow
step does: ``jax.vjp`` keeps it, the discriminator learns on its fakes, and the generator's loss
against the updated discriminator is pulled back through it.

Keras' JAX trainer knows one optimizer per model; a GAN has two. ``OptimizerPair`` shows the
trainer both optimizers' variables as one list, so that it carries, saves and restores them.
"""

from __future__ import annotations

import jax
import keras
from keras import ops


class OptimizerPair:
    """The discriminator's and the generator's optimizers, as Keras' JAX trainer sees ``model.optimizer``
    (it reads ``variables`` to build, carry and write back the training state)."""

    built = True

    def __init__(self, d_optimizer, g_optimizer):
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def variables(self):
        return list(self.d_optimizer.variables) + list(self.g_optimizer.variables)

    def build(self, variables=None):
        """Both optimizers are built by ``GAN.compile``."""


class StatelessRun:
    """One train step's variable values, threaded through ``keras.StatelessScope``."""

    def __init__(self, variables, values):
        self.variables = list(variables)
        self.values = {id(variable): value for variable, value in zip(self.variables, values)}

    def _pure(self, function, overrides=None):
        """(function(), every variable's value after it), with the current values, or ``overrides``
        (variable id -> value) for some of them."""
        overrides = overrides or {}
        mapping = [(v, overrides.get(id(v), self.values[id(v)])) for v in self.variables]
        with keras.StatelessScope(state_mapping=mapping) as scope:
            output = function()
        return output, {id(v): scope.get_current_value(v) for v in self.variables}

    def __call__(self, function):
        """Run ``function()`` and keep the variable updates it makes."""
        output, self.values = self._pure(function)
        return output

    def get(self, variables):
        return [self.values[id(v)] for v in variables]

    def value_and_grad(self, function, variables):
        """``function()`` returns (loss, aux): returns them and the loss's gradients with respect
        to ``variables``, keeping the other updates ``function`` makes."""

        def loss(values):
            (value, aux), updated = self._pure(function, {id(v): x for v, x in zip(variables, values)})
            return value, (aux, updated)

        (value, (aux, updated)), gradients = jax.value_and_grad(loss, has_aux=True)(self.get(variables))
        self.values = updated
        return (value, aux), gradients

    def value_and_grad_of_input(self, function, inputs):
        """As ``value_and_grad``, with respect to ``function(inputs)``'s argument."""

        def loss(x):
            (value, aux), updated = self._pure(lambda: function(x))
            return value, (aux, updated)

        (value, (aux, updated)), gradients = jax.value_and_grad(loss, has_aux=True)(inputs)
        self.values = updated
        return (value, aux), gradients

    def forward_with_pullback(self, function, variables):
        """(function(), pullback): ``pullback(cotangent)`` gives the gradients with respect to
        ``variables`` of the output's inner product with ``cotangent`` (``jax.vjp``)."""

        def forward(values):
            return self._pure(function, {id(v): x for v, x in zip(variables, values)})

        output, pullback, updated = jax.vjp(forward, self.get(variables), has_aux=True)
        self.values = updated
        return output, lambda cotangent: pullback(cotangent)[0]

    def apply(self, optimizer, gradients, variables):
        """One optimizer step on ``variables`` (the ones the optimizer was built for)."""
        new_weights, new_slots = optimizer.stateless_apply(self.get(optimizer.variables), gradients, self.get(variables))
        self.values.update({id(v): x for v, x in zip(variables, new_weights)})
        self.values.update({id(v): x for v, x in zip(optimizer.variables, new_slots)})


def _state_variables(gan, with_optimizers: bool = True):
    groups = [gan.trainable_variables, gan.non_trainable_variables]
    if with_optimizers:
        groups.append(gan.optimizer.variables)
    return groups + [gan.metrics_variables]


def _run_for(gan, state, with_optimizers: bool = True):
    groups = _state_variables(gan, with_optimizers)
    variables = [v for group in groups for v in group]
    values = [x for group in state for x in group]
    return StatelessRun(variables, values), groups


def _new_state(run, groups):
    return tuple(run.get(group) for group in groups)


def _discriminator_step(gan, run, real_images, labels, fake_images=None):
    if fake_images is None:
        fake_images = run(lambda: gan._generate(gan.sample_noise(ops.shape(real_images)[0]), labels, training=True))
    fake_images = ops.stop_gradient(fake_images)

    def loss():
        total, terms = gan._discriminator_losses(real_images, fake_images, labels, training=True)
        return gan._scaled(gan.d_optimizer, gan._penalised(total, terms, real_images, fake_images, labels)), terms

    variables = gan.discriminator.trainable_variables
    (_, terms), gradients = run.value_and_grad(loss, variables)
    run.apply(gan.d_optimizer, gradients, variables)
    run(gan._clip_discriminator)
    run(lambda: gan._log(terms))


def train_step(gan, state, data):
    """``GAN.train_step`` on JAX: (logs, new state) from (trainable, non-trainable, optimizer,
    metrics variable values) and a batch."""
    run, groups = _run_for(gan, state)
    real_images, labels = gan._unpack(jax.tree.map(ops.convert_to_tensor, data))
    g_variables = gan.generator.trainable_variables
    if gan.update == "simultaneous":
        _simultaneous_step(gan, run, real_images, labels)
    else:
        if gan.d_steps > 1:
            for index in range(gan.d_steps - 1):
                _discriminator_step(gan, run, real_images[index], None if labels is None else labels[index])
            real_images, labels = real_images[-1], None if labels is None else labels[-1]
        noise = run(lambda: gan.sample_noise(ops.shape(real_images)[0]))
        if gan.update == "alternating":
            # One generator forward pass: the discriminator learns on its fakes, then the
            # generator's loss against the updated discriminator is pulled back through it.
            fake_images, pullback = run.forward_with_pullback(lambda: gan._generate(noise, labels, training=True),
                                                              g_variables)
            _discriminator_step(gan, run, real_images, labels, fake_images)
            (_, terms), fake_gradients = run.value_and_grad_of_input(
                lambda fakes: _scaled_pair(gan, gan.g_optimizer, gan._generator_losses(fakes, labels, training=True)),
                fake_images)
            g_gradients = pullback(fake_gradients)
        else:  # alternating_fresh_noise
            _discriminator_step(gan, run, real_images, labels)
            (_, terms), g_gradients = run.value_and_grad(
                lambda: _scaled_pair(gan, gan.g_optimizer, gan._generator_losses(
                    gan._generate(noise, labels, training=True), labels, training=True)),
                g_variables)
        run.apply(gan.g_optimizer, g_gradients, g_variables)
        run(gan._update_average)
        run(lambda: gan._log(terms))
    logs = run(lambda: {metric.name: metric.result() for metric in gan.metrics})
    return logs, _new_state(run, groups)


def _simultaneous_step(gan, run, real_images, labels):
    """The TensorFlow tutorial's step: one forward pass, both losses, both updates at once."""
    noise = run(lambda: gan.sample_noise(ops.shape(real_images)[0]))
    d_variables, g_variables = gan.discriminator.trainable_variables, gan.generator.trainable_variables

    def forward():
        fake_images = gan._generate(noise, labels, training=True)
        fake_outputs = gan._discriminate(fake_images, labels, training=True)
        d_total, d_terms = gan._discriminator_losses(real_images, fake_images, labels, True, fake_outputs)
        d_total = gan._penalised(d_total, d_terms, real_images, ops.stop_gradient(fake_images), labels)
        g_total, g_terms = gan._generator_losses(fake_images, labels, True, fake_outputs)
        return gan._scaled(gan.d_optimizer, d_total), gan._scaled(gan.g_optimizer, g_total), {**d_terms, **g_terms}

    # One forward pass through both networks, then two backward passes (the tutorial's two tapes):
    # each network's gradient of its own loss.
    (d_total, g_total, terms), pullback = run.forward_with_pullback(forward, d_variables + g_variables)
    no_terms = jax.tree.map(ops.zeros_like, terms)
    d_gradients = pullback((ops.ones_like(d_total), ops.zeros_like(g_total), no_terms))[:len(d_variables)]
    g_gradients = pullback((ops.zeros_like(d_total), ops.ones_like(g_total), no_terms))[len(d_variables):]
    run.apply(gan.g_optimizer, g_gradients, g_variables)
    run.apply(gan.d_optimizer, d_gradients, d_variables)
    run(gan._update_average)
    run(gan._clip_discriminator)
    run(lambda: gan._log(terms))


def _scaled_pair(gan, optimizer, loss_and_terms):
    loss, terms = loss_and_terms
    return gan._scaled(optimizer, loss), terms


def test_step(gan, state, data):
    """``GAN.test_step`` on JAX: (logs, new state) from (trainable, non-trainable, metrics)."""
    run, groups = _run_for(gan, state, with_optimizers=False)
    run(lambda: gan._test_step_updates(data))
    logs = run(lambda: {metric.name: metric.result() for metric in gan.metrics})
    return logs, _new_state(run, groups)
