"""The package stays readable: the base GAN in one screen, each variant a small subclass, no module
over 350 lines, no module reaching into another object's underscore names; and every class a
notebook shows is the package's own source, verbatim."""

import ast
import importlib
import inspect
import json
from pathlib import Path

import pytest

from gan_utils import conditional, modern, training, variants

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gan_utils"
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py"))


def lines_of(obj) -> int:
    return len(inspect.getsourcelines(obj)[0])


def test_the_base_gan_fits_one_screen_and_every_variant_is_small():
    assert lines_of(training.GAN) <= 150, lines_of(training.GAN)
    found = [obj for module in (variants, conditional, modern) for obj in vars(module).values()
             if inspect.isclass(obj) and issubclass(obj, training.GAN) and obj is not training.GAN
             and obj.__module__ == module.__name__]
    assert len(found) >= 12, [cls.__name__ for cls in found]
    too_long = {cls.__name__: lines_of(cls) for cls in found if lines_of(cls) > 60}
    assert not too_long, too_long


@pytest.mark.parametrize("name", MODULES)
def test_every_module_stays_under_350_lines(name):
    assert len((PACKAGE / f"{name}.py").read_text().splitlines()) <= 350


def test_no_module_uses_another_objects_underscore_names():
    """``x._name`` is allowed on ``self`` and on the module's own names only (and Python's dunders)."""
    offences = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                offences.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert not offences, offences


def notebook_sources():
    """(notebook, the dotted name a cell's metadata gives, the cell's source) for every cell tagged
    ``package-source``."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if "package-source" in cell.get("metadata", {}).get("tags", []):
                yield path.name, cell["metadata"]["package_source"], "".join(cell["source"])


SHOWN = list(notebook_sources())


def test_the_notebooks_show_the_training_core_they_teach():
    shown = {(notebook[:2], name) for notebook, name, _ in SHOWN}
    assert {("02", "models.dcgan_generator"), ("02", "models.dcgan_discriminator"),
            ("02", "variants.TutorialGAN"), ("03", "models.cifar_dcgan_generator"),
            ("03", "models.cifar_dcgan_discriminator"), ("04", "variants.WGAN"), ("04", "variants.WGANGP"),
            ("10", "conditional.ConditionalGAN"), ("11", "conditional.ACGAN"), ("13", "modern.HingeGAN"),
            ("13", "modern.R1Penalty"), ("13", "modern.DiffAugment"), ("13", "modern.WeightAverage")} <= shown, shown


@pytest.mark.parametrize("notebook,name,source", SHOWN, ids=[f"{n[:2]}-{name}" for n, name, _ in SHOWN])
def test_a_class_a_notebook_shows_is_the_packages_source_verbatim(notebook, name, source):
    module, attribute = name.rsplit(".", 1)
    package_source = inspect.getsource(getattr(importlib.import_module(f"gan_utils.{module}"), attribute))
    assert package_source.strip() in source, f"{notebook} shows a {name} that is not the package's: copy it again"


def test_names_that_moved_still_resolve_and_unknown_ones_are_named():
    from gan_utils import architectures, data, models, pipelines, recipes, toy, toy_plots

    assert models.build_gan_models is architectures.build_gan_models
    assert data.make_dataset is pipelines.make_dataset and toy.draw_1d is toy_plots.draw_1d
    with pytest.raises(AttributeError, match="'gan_utils.models' has no attribute 'nope'"):
        models.nope  # noqa: B018
    with pytest.raises(ValueError, match=r"Unknown recipe 'nope'; accepted are \['dcgan', 'dcgan_ema'"):
        recipes.recipe("nope")
