"""Checks on the notebooks as files; nbval executes them (``make test``)."""

import re
from pathlib import Path

import nbformat
import pytest

from gan_utils import configurations

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
README = (ROOT / "README.md").read_text()


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_has_no_control_characters(path):
    # A notebook written from Python with "\frac" or "\text" in a plain string gets a form feed
    # or a tab where the LaTeX command was, and the formula renders broken (notebook 13 had both).
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            found = sorted({repr(c) for c in cell.source if c != "\n" and (ord(c) < 32 or ord(c) == 127)})
            assert not found, f"{path.name}, cell {index}: control characters {found} (an unescaped LaTeX backslash?)"


# Images the README shows by repository path, and notebooks by this repository's raw GitHub URL
# (Colab opens a notebook alone, so a relative path would not resolve there).
RAW_URL = re.compile(r"raw\.githubusercontent\.com/gan-teaching/gan-notebooks/main/([^)\s\"']+)")
README_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", [ROOT / "README.md", *NOTEBOOKS], ids=lambda p: p.name)
def test_every_image_shown_is_in_the_repository(path):
    if path.suffix == ".ipynb":
        text = "".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown")
        shown = RAW_URL.findall(text)
    else:
        shown = [image for image in README_IMAGE.findall(path.read_text()) if not image.startswith("http")]
    missing = [image for image in shown if not (ROOT / image).is_file()]
    assert not missing, f"{path.name} shows images the repository lacks: {missing}"
    if path.suffix == ".md":
        assert shown  # the pattern still finds the README's images


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_installs_gan_utils_and_reads_the_smoke_switch(path):
    sources = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert "pip" in sources[0] and "gan_utils" in sources[0]
    # The backend switch, before the setup cell imports Keras; an environment variable still wins.
    assert 'os.environ.setdefault("KERAS_BACKEND", "tensorflow")' in sources[0]
    assert all("import keras" not in source and "import gan_utils" not in source for source in sources[:1])
    assert any("smoke_mode()" in source for source in sources[:3])
    assert any("banner()" in source for source in sources[:3])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readme_links_the_notebook_to_colab(path):
    assert re.search(rf"colab\.research\.google\.com/github/[^)]+/notebooks/{re.escape(path.name)}", README)


def test_every_configuration_names_an_existing_notebook():
    names = {path.name for path in NOTEBOOKS}
    for config in configurations.CONFIGS.values():
        assert config.notebook in names


def test_package_page_variant_table_is_the_generated_one():
    assert configurations.variant_table() in (ROOT / "docs" / "package.md").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_exercises_and_names_its_run_folders_through_the_helper(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[-1].cell_type == "markdown" and cells[-1].source.startswith("## Exercises")
    assert len(re.findall(r"^\d\. ", cells[-1].source, re.M)) >= 2
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    assert '"runs/' not in code and "RUN_ROOT =" not in code  # run folders come from files.run_folder
    setup = next(cell.source for cell in cells if cell.cell_type == "code" and "banner()" in cell.source)
    assert setup.startswith("import gan_utils")  # before TensorFlow: it quiets TensorFlow's log


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_its_time_budget(path):
    opening = nbformat.read(path, as_version=4).cells[0].source
    assert "**Time budget:** full run" in opening and "on a Colab T4 GPU" in opening and "smoke run: seconds" in opening
