"""What differs between Keras' backends in a GAN's train step: six small functions every variant shares.

A variant's step is written once, in ``training`` and ``variants``, with these functions:

- ``gradients(terms_fn, variables, optimizer)``: the gradients of ``terms_fn()[loss]``;
- ``forward(fn, variables)``: ``fn()`` and a pullback, to reuse one forward pass for a later gradient
  (the generator's images, trained on by the discriminator first, then backpropagated through);
- ``input_gradients(terms_fn, inputs, optimizer)``: the gradients with respect to a tensor;
- ``two_gradients``: each network's gradients of its own loss from one forward pass (the tutorial's);
- ``apply(optimizer, gradients, variables)``: one optimizer step;
- ``run(model, step, args)``: Keras' ``train_step`` / ``test_step`` arguments to ``step(data)``.

On TensorFlow they are gradient tapes and ``optimizer.apply``. On JAX, where Keras calls
``train_step(state, data)`` inside ``jax.jit`` and nothing may change a variable in place (Keras'
guide *Customizing what happens in fit() with JAX*), ``run`` executes the step inside a
``keras.StatelessScope`` holding the state, so that every assignment (metrics, batch-norm statistics,
seeds, clipping, the weight average) is recorded; gradients are ``jax.value_and_grad`` / ``jax.vjp``
of the same code in an inner scope, and optimizers step with ``stateless_apply``. Losses are divided
by the number of replicas (tf.distribute sums the replicas' gradients) and scaled under mixed precision.
"""

from __future__ import annotations

import contextvars

import keras
from keras import ops

_JAX = keras.backend.backend() == "jax"
if _JAX:
    import jax
else:  # the package runs on JAX without TensorFlow installed
    import tensorflow as tf

# On JAX: the (scope, variables) of the step being traced.
_STEP = contextvars.ContextVar("gan_step")


def scaled(optimizer, loss):
    """The loss whose gradient is applied: per replica, times the loss scale under mixed precision."""
    replicas = 1 if _JAX else tf.distribute.get_strategy().num_replicas_in_sync
    return optimizer.scale_loss(ops.cast(loss, "float32") / replicas)


def with_loss_scaling(optimizer):
    """Under the mixed_float16 policy, wrap an optimizer so small float16 gradients do not underflow."""
    policy = keras.mixed_precision.dtype_policy()
    if policy.compute_dtype == "float16" and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


class OptimizerPair:
    """The two networks' optimizers as Keras' JAX trainer sees ``model.optimizer``: it reads
    ``variables`` to build, carry, save and restore the training state (it knows one optimizer)."""

    built = True

    def __init__(self, d_optimizer, g_optimizer):
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def variables(self):
        return list(self.d_optimizer.variables) + list(self.g_optimizer.variables)

    def build(self, variables=None):
        """Both optimizers are built by ``GAN.compile``."""


def trainer_optimizer(d_optimizer, g_optimizer):
    """What the GAN's own ``optimizer`` is: None on TensorFlow, the pair on JAX."""
    return OptimizerPair(d_optimizer, g_optimizer) if _JAX else None


def run(model, step, args):
    """``step(data)`` as Keras' train or test step: ``args`` is (data,) on TensorFlow, (state, data)
    on JAX, where the logs and the new state are returned."""
    if not _JAX:
        return step(*args)
    state, data = args
    groups = [model.trainable_variables, model.non_trainable_variables]
    if len(state) == 4:  # train_step's state also holds the optimizers' variables
        groups.append(model.optimizer.variables)
    groups.append(model.metrics_variables)
    variables = [v for group in groups for v in group]
    values = [x for group in state for x in group]
    with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
        token = _STEP.set((scope, variables))
        try:
            logs = step(jax.tree.map(ops.convert_to_tensor, data))
        finally:
            _STEP.reset(token)
    return logs, tuple([scope.get_current_value(v) for v in group] for group in groups)


def _pure(fn, overrides):
    """On JAX: fn() in a scope of the current values (``overrides``: variable id -> value), and every
    variable's value after it."""
    scope, variables = _STEP.get()
    mapping = [(v, overrides.get(id(v), scope.get_current_value(v))) for v in variables]
    with keras.StatelessScope(state_mapping=mapping) as inner:
        output = fn()
    return output, [inner.get_current_value(v) for v in variables]


def _keep(updated):
    """On JAX: record the values an inner scope ended with in the step's scope."""
    scope, variables = _STEP.get()
    for variable, value in zip(variables, updated):
        if value is not scope.get_current_value(variable):
            variable.assign(value)


def _values(variables):
    scope, _ = _STEP.get()
    return [scope.get_current_value(v) for v in variables]


def gradients(terms_fn, variables, optimizer, loss):
    """(terms, gradients): ``terms_fn()`` returns a dict of tensors; the gradients are those of the
    scaled ``terms[loss]`` with respect to ``variables``."""
    if not _JAX:
        with tf.GradientTape() as tape:
            terms = terms_fn()
            objective = scaled(optimizer, terms[loss])
        return terms, tape.gradient(objective, variables)

    def objective(values):
        terms, updated = _pure(terms_fn, {id(v): x for v, x in zip(variables, values)})
        return scaled(optimizer, terms[loss]), (terms, updated)

    (_, (terms, updated)), grads = jax.value_and_grad(objective, has_aux=True)(_values(variables))
    _keep(updated)
    return terms, grads


def input_gradients(terms_fn, inputs, optimizer, loss):
    """As ``gradients``, with respect to the tensor ``inputs`` of ``terms_fn(inputs)``."""
    if not _JAX:
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            terms = terms_fn(inputs)
            objective = scaled(optimizer, terms[loss])
        return terms, tape.gradient(objective, inputs)

    def objective(x):
        terms, updated = _pure(lambda: terms_fn(x), {})
        return scaled(optimizer, terms[loss]), (terms, updated)

    (_, (terms, updated)), grads = jax.value_and_grad(objective, has_aux=True)(inputs)
    _keep(updated)
    return terms, grads


def forward(fn, variables):
    """(outputs, pullback): ``fn()`` returns tensors; ``pullback(cotangents)`` gives the gradients
    of their inner product with ``cotangents`` with respect to ``variables``."""
    if not _JAX:
        with tf.GradientTape() as tape:
            outputs = fn()
        return outputs, lambda cotangents: tape.gradient(outputs, variables, output_gradients=cotangents)

    def pure(values):
        return _pure(fn, {id(v): x for v, x in zip(variables, values)})

    outputs, pullback, updated = jax.vjp(pure, _values(variables), has_aux=True)
    _keep(updated)
    return outputs, lambda cotangents: pullback(cotangents)[0]


def two_gradients(terms_fn, d_variables, g_variables, d_optimizer, g_optimizer):
    """(terms, discriminator gradients, generator gradients) from one forward pass: ``terms_fn()``
    returns the two networks' terms, and each network gets the gradients of its own loss
    (``terms["d_loss"]``, ``terms["g_loss"]``), as the TensorFlow tutorial's two tapes give them."""
    if not _JAX:
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            terms = terms_fn()
            d_objective, g_objective = scaled(d_optimizer, terms["d_loss"]), scaled(g_optimizer, terms["g_loss"])
        return terms, d_tape.gradient(d_objective, d_variables), g_tape.gradient(g_objective, g_variables)

    def objectives(values):
        terms, updated = _pure(terms_fn, {id(v): x for v, x in zip(d_variables + g_variables, values)})
        return (scaled(d_optimizer, terms["d_loss"]), scaled(g_optimizer, terms["g_loss"])), (terms, updated)

    (d_objective, g_objective), pullback, (terms, updated) = jax.vjp(
        objectives, _values(d_variables + g_variables), has_aux=True)
    _keep(updated)
    d_grads = pullback((ops.ones_like(d_objective), ops.zeros_like(g_objective)))[0][:len(d_variables)]
    g_grads = pullback((ops.zeros_like(d_objective), ops.ones_like(g_objective)))[0][len(d_variables):]
    return terms, d_grads, g_grads


def apply(optimizer, grads, variables):
    """One step of ``optimizer`` on ``variables`` (the ones it was built for)."""
    if not _JAX:
        optimizer.apply(grads, variables)
        return
    new_values, new_slots = optimizer.stateless_apply(_values(optimizer.variables), grads, _values(variables))
    for variable, value in zip(list(variables) + list(optimizer.variables), list(new_values) + list(new_slots)):
        variable.assign(value)
