import numpy as np
import pytest

from gan_utils import models


def test_report001_parameter_counts_match_the_report():
    generator, discriminator = models.build_gan_models("keras_gan_report001")
    assert discriminator.count_params() == 40_705
    assert generator.count_params() == 1_164_289
    assert models.check_param_counts("keras_gan_report001", generator, discriminator) == {
        "generator": 1_164_289,
        "discriminator": 40_705,
    }


def test_report001_layers_follow_the_report():
    generator, discriminator = models.build_gan_models("keras_gan_report001")
    assert [layer.output.shape[1:] for layer in discriminator.layers if "conv" in layer.name] == [
        (14, 14, 64),
        (7, 7, 64),
    ]
    assert generator.layers[0].output.shape[1:] == (6272,)
    assert generator.output_shape == (None, 28, 28, 1)
    assert generator.layers[-1].activation.__name__ == "sigmoid"


def test_report000_variant():
    generator, discriminator = models.build_gan_models("keras_gan_report000")
    assert generator.layers[0].output.shape[1:] == (128 * 14 * 14,)
    transposes = [layer for layer in generator.layers if "transpose" in layer.name]
    assert len(transposes) == 1
    assert generator.layers[-1].kernel.shape[:2] == (7, 7)
    convs = [layer for layer in discriminator.layers if layer.name.startswith("conv")]
    assert [layer.filters for layer in convs] == [64, 128]
    assert [layer.rate for layer in discriminator.layers if "dropout" in layer.name] == [0.4, 0.4]


def test_generator_outputs_are_images_in_the_sigmoid_range():
    generator, discriminator = models.build_gan_models("keras_gan_report001")
    images = generator(np.random.default_rng(0).standard_normal((3, 100)).astype("float32"))
    assert images.shape == (3, 28, 28, 1)
    assert float(np.min(images)) >= 0.0 and float(np.max(images)) <= 1.0
    assert discriminator(images).shape == (3, 1)


def test_other_image_shapes_are_built():
    generator, discriminator = models.build_gan_models("keras_gan_report001", (32, 32, 3), latent_dim=8)
    assert generator.output_shape == (None, 32, 32, 3)
    assert discriminator.input_shape == (None, 32, 32, 3)


def test_unknown_architecture_names_the_accepted_ones():
    with pytest.raises(ValueError, match="'nope'.*keras_gan_report000.*keras_gan_report001"):
        models.build_gan_models("nope")


def test_unreachable_image_shape_is_rejected():
    with pytest.raises(ValueError, match=r"\(30, 30, 1\).*multiples of 4"):
        models.build_gan_models("keras_gan_report001", (30, 30, 1))


def test_bad_latent_dim_is_rejected():
    with pytest.raises(ValueError, match="latent_dim must be a positive integer, got 0"):
        models.keras_gan_generator(latent_dim=0)


def test_discriminator_rejects_wrong_image_shape():
    _, discriminator = models.build_gan_models("keras_gan_report001")
    with pytest.raises(ValueError):
        discriminator(np.zeros((2, 32, 32, 3), "float32"))


def test_dcgan_tutorial_counts_match_reports_001_and_004():
    generator, discriminator = models.build_gan_models("dcgan_tutorial")
    assert generator.count_params() == 2_330_944
    non_trainable = sum(int(np.prod(w.shape)) for w in generator.non_trainable_weights)
    assert non_trainable == 25_472
    assert discriminator.count_params() == 212_865
    assert generator.layers[-1].activation.__name__ == "tanh"
    models.check_param_counts("dcgan_tutorial", generator, discriminator)


def test_cifar10_architectures():
    generator, discriminator = models.build_gan_models("dcgan_cifar10_report002", (32, 32, 3))
    assert generator.output_shape == (None, 32, 32, 3)
    assert generator.layers[0].output.shape[1:] == (256 * 4 * 4,)
    assert [layer.strides for layer in generator.layers if "transpose" in layer.name] == [(2, 2)] * 3
    assert [layer.filters for layer in discriminator.layers if layer.name.startswith("conv")] == [64, 128, 128, 256]
    assert [layer.rate for layer in discriminator.layers if "dropout" in layer.name] == [0.4]
    assert (generator.count_params(), discriminator.count_params()) == (1_466_115, 522_497)
    variant, _ = models.build_gan_models("dcgan_cifar10_report004", (32, 32, 3))
    assert variant.layers[0].output.shape[1:] == (8 * 8 * 256,)
    assert [layer.filters for layer in variant.layers if "transpose" in layer.name] == [128, 64, 3]
    assert sum("batch_normalization" in layer.name for layer in variant.layers) == 3


def test_forward_flops_by_hand():
    generator, discriminator = models.build_gan_models("keras_gan_report001")
    # Dense 100->6272; two 4x4 conv-transposes 128->128 from 7x7 and 14x14; 7x7 conv 128->1 at 28x28.
    expected_g = 2 * (100 * 6272 + 7 * 7 * 16 * 128 * 128 + 14 * 14 * 16 * 128 * 128 + 28 * 28 * 49 * 128)
    # 3x3 stride-2 convs 1->64 at 14x14 and 64->64 at 7x7; dense 3136->1.
    expected_d = 2 * (14 * 14 * 9 * 64 + 7 * 7 * 9 * 64 * 64 + 3136)
    assert models.forward_flops(generator) == expected_g
    assert models.forward_flops(discriminator) == expected_d
