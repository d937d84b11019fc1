"""Pipelines of batches for ``GAN.fit``: tf.data on TensorFlow, ``Batches`` (a Keras ``PyDataset``)
on the other backends, so that training on JAX needs no TensorFlow; and how ``fit`` feeds them."""

from __future__ import annotations

import sys

import keras
import numpy as np

from gan_utils.data import check_images, check_labels


def make_dataset(images, labels=None, batch_size: int = 256, shuffle: bool = True, seed=None, n_classes=None):
    """A pipeline of full batches: shuffled (again every epoch), the ragged tail dropped.

    On TensorFlow a tf.data pipeline (shuffle, batch, prefetch); on the other Keras backends a
    ``Batches`` PyDataset with the same contract, so training on JAX needs no TensorFlow.
    Yields image batches, or (images, labels) batches when labels are given; with ``n_classes``
    every label must lie in 0..n_classes-1 (an Embedding would silently wrap or zero a bad one).
    Dropping the last partial batch keeps every batch the same shape, so the train step is traced
    once.
    """
    images = check_images(images).astype(np.float32)
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    if batch_size > len(images):
        raise ValueError(
            f"batch_size {batch_size} is larger than the {len(images)} images; "
            "every batch would be dropped. Use a batch size of at most the number of images."
        )
    if labels is not None:
        labels = check_labels(labels, len(images), n_classes)
    if keras.backend.backend() != "tensorflow":
        return Batches(images, labels, batch_size=batch_size, shuffle=shuffle, seed=seed)
    import tensorflow as tf

    pipeline = tf.data.Dataset.from_tensor_slices(images if labels is None else (images, labels))
    if shuffle:
        pipeline = pipeline.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return pipeline.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


class Batches(keras.utils.PyDataset):
    """Full batches of in-memory arrays, in a new random order every epoch (drawn from ``seed``):
    ``make_dataset``'s pipeline on Keras backends other than TensorFlow.

    ``grouped(k)`` yields ``k`` batches at a time, shaped (k, batch, ...), as
    ``tf.data.Dataset.batch(k)`` groups them for a GAN with ``d_steps=k`` critic steps.
    ``repeated()`` is the same pipeline without end (``tf.data.Dataset.repeat()``): it hands out
    the batches in the order they are asked for, pass after pass, each pass in a new order.
    """

    def __init__(self, images, labels=None, batch_size: int = 256, shuffle: bool = True, seed=None, group: int = 1,
                 repeat: bool = False):
        super().__init__()
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle, self.seed, self.group, self.repeat = batch_size, shuffle, seed, group, repeat
        self._random = np.random.default_rng(seed)
        self._order = self._random.permutation(len(images)) if shuffle else np.arange(len(images))
        self._cursor = 0  # repeat: the next batch of the current pass

    def __len__(self):
        return len(self.images) // (self.batch_size * self.group)

    @property
    def num_batches(self):
        return None if self.repeat else len(self)

    def __getitem__(self, index):
        if self.repeat and len(self):
            # Keras reads an endless PyDataset one batch after another (from index 0 again if it
            # starts a new iterator), so the pass is kept here: every batch once, then a new order.
            if self._cursor == len(self):
                self._cursor = 0
                self._reshuffle()
            index, self._cursor = self._cursor, self._cursor + 1
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} of a pipeline of {len(self)} batches")
        size = self.batch_size * self.group
        picked = self._order[index * size:(index + 1) * size]
        shape = (self.group, self.batch_size) if self.group > 1 else (self.batch_size,)
        images = self.images[picked].reshape(shape + self.images.shape[1:])
        if self.labels is None:
            return (images,)
        return images, self.labels[picked].reshape(shape)

    def on_epoch_end(self):
        if not self.repeat:  # a repeated pipeline reshuffles at the end of each pass instead
            self._reshuffle()

    def _reshuffle(self):
        if self.shuffle:
            self._order = self._random.permutation(len(self.images))

    def grouped(self, group: int) -> Batches:
        """The same images, ``group`` batches per element."""
        return Batches(self.images, self.labels, self.batch_size, self.shuffle, self.seed, group, self.repeat)

    def repeated(self) -> Batches:
        """The same images, batch after batch without end (``fit`` then needs ``steps_per_epoch``)."""
        return Batches(self.images, self.labels, self.batch_size, self.shuffle, self.seed, self.group, repeat=True)

    def as_numpy_iterator(self):
        """One epoch of batches, as ``tf.data.Dataset.as_numpy_iterator`` gives them."""
        for index in range(len(self)):
            batch = self[index]
            yield batch[0] if self.labels is None else batch
        self.on_epoch_end()


def is_pipeline(x) -> bool:
    """Whether ``x`` is a pipeline of batches as ``make_dataset`` returns them (tf.data or ``Batches``)."""
    tensorflow = sys.modules.get("tensorflow")  # not imported where it is absent (JAX)
    return isinstance(x, Batches) or (tensorflow is not None and isinstance(x, tensorflow.data.Dataset))


def for_fit(x, steps_per_epoch=None, group: int = 1):
    """(x, steps_per_epoch) as ``GAN.fit`` feeds them to Keras: a pipeline's batches grouped ``group``
    at a time (one element per generator step with ``group`` critic steps), and a finite pipeline
    repeated with ``steps_per_epoch`` set to its length unless given. Repeated, every epoch trains
    the steps asked for, even beyond one pass (Keras alone stops with "Your input ran out of data"),
    and Keras no longer makes a new iterator per epoch, whose clean-up stalled every epoch by
    seconds on a CPU."""
    if steps_per_epoch is not None and not steps_per_epoch >= 1:
        raise ValueError(f"steps_per_epoch must be a positive integer or None, got {steps_per_epoch!r}.")
    if not is_pipeline(x):
        if group > 1:
            raise ValueError(f"{group} discriminator steps per generator step need a pipeline of batches "
                             f"(data.make_dataset), got {type(x).__name__}.")
        return x, steps_per_epoch
    if group > 1:
        x = x.grouped(group) if isinstance(x, Batches) else x.batch(group, drop_remainder=True)
    batches = len(x) if isinstance(x, Batches) else int(x.cardinality())
    if batches == 0:
        raise ValueError(f"The dataset has fewer than {group} batches: no step to train.")
    if batches > 0:  # finite (tf.data says -1 for infinite, -2 for unknown)
        x = x.repeated() if isinstance(x, Batches) else x.repeat()
        steps_per_epoch = steps_per_epoch or batches
    return x, steps_per_epoch
