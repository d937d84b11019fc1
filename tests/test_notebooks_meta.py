"""Checks on the notebooks as files; nbval executes them (``make test``)."""

import re
from pathlib import Path

import nbformat
import pytest

from gan_utils import configurations
from tools import repository

import notebook_text

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


# Notebooks show images by this repository's raw GitHub URL (Colab opens a notebook alone, so a
# relative path would not resolve there); README.md and docs/*.md link by relative path.
RAW_URL = re.compile(rf"raw\.githubusercontent\.com/{re.escape(repository.slug())}/main/([^)\s\"']+)")
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
# [text](target), ![alt](target) and [text](target "title"); the target of a badge's image and of
# its link are both found. Reference definitions: [name]: target.
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.M)


def markdown_prose(text):
    """The text without fenced code blocks, where a link-like string is code, not a link."""
    return FENCE.sub("", text)


def anchors(path):
    """The anchors GitHub gives a Markdown file's headings: lowercase, punctuation dropped except
    hyphens, underscores and spaces, spaces to hyphens; a repeated heading gets -1, -2, ..."""
    seen, found = {}, set()
    for _, title in HEADING.findall(markdown_prose(path.read_text())):
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link in a heading: its text
        slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    found.update(re.findall(r"<a\s+(?:name|id)=\"([^\"]+)\"", path.read_text()))
    return found


def relative_links(path):
    text = markdown_prose(path.read_text())
    links = LINK.findall(text) + REFERENCE.findall(text)
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link, re.I)]  # http(s), mailto


def test_the_anchor_rule_is_githubs(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Is it any good? Scores, with their protocol\n## Beyond the reports: the modern recipe "
                    "(notebook 13, `make bench`)\n## GIFs\n## GIFs\n```\n# not a heading\n```\n")
    assert anchors(page) == {"is-it-any-good-scores-with-their-protocol",
                             "beyond-the-reports-the-modern-recipe-notebook-13-make-bench", "gifs", "gifs-1"}


def test_there_are_docs_pages():
    assert len(DOCS) >= 6


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(path):
    links = relative_links(path)
    assert links, f"{path.name}: no relative link found (has the link pattern stopped matching?)"
    broken = []
    for link in links:
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        if not file.exists():
            broken.append(f"{link} (no file {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file})")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{link} (no heading with the anchor #{anchor} in {file.name})")
    assert not broken, f"{path.relative_to(ROOT)} has links that do not resolve: {broken}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_image_shown_is_a_file(path):
    images = [link for link in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", markdown_prose(path.read_text()))
              if not link.startswith("http")]
    missing = [image for image in images if not (path.parent / image).is_file()]
    assert not missing, f"{path.name} shows images the repository lacks: {missing}"


def test_the_readme_shows_pictures():
    assert re.search(r"!\[[^\]]*\]\(gifs/[^)]+\.gif\)", README)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_image_a_notebook_shows_is_in_the_repository(path):
    text = "".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown")
    missing = [image for image in RAW_URL.findall(text) if not (ROOT / image).is_file()]
    assert not missing, f"{path.name} shows images the repository lacks: {missing}"


def test_readme_is_a_front_door_of_at_most_2000_words():
    assert len(README.split()) <= 2000, f"README.md has {len(README.split())} words; move the detail to docs/"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_docs_page_opens_with_a_title_and_a_sentence_saying_what_it_answers(path):
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    assert lines[0].startswith("# "), f"{path.name}: the first line is not a title"
    opening = next((line for line in lines if not line.lstrip().startswith("#")), None)
    assert opening, f"{path.name}: nothing but headings"
    assert opening is lines[1] and re.match(r"[A-Z`*]", opening), f"{path.name}: no opening sentence under the title"


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


def test_readme_lists_the_notebooks_in_numeric_order():
    listed = re.findall(r"colab\.research\.google\.com/github/[^)]+/notebooks/(\d\d)_", README)
    assert listed == sorted(listed) == [path.name[:2] for path in NOTEBOOKS]


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_prose_is_short_enough_to_read(path):
    cells = notebook_text.prose_cells(nbformat.read(path, as_version=4))
    words = [len(cell.split()) for cell in cells]
    assert sum(words) <= notebook_text.PROSE_WORDS, f"{path.name}: {sum(words)} words before the exercises"
    longest = max(range(len(cells)), key=lambda index: words[index])
    assert words[longest] <= notebook_text.CELL_WORDS, (
        f"{path.name}: a markdown cell of {words[longest]} words: {cells[longest][:80]!r}...")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_says_what_to_look_for_and_has_a_worked_solution(path):
    notebook = nbformat.read(path, as_version=4)
    text = notebook_text.exercises(notebook)
    asked = re.findall(r"^\d+\. ", text, re.M)
    solved = notebook_text.solutions(notebook)
    assert len(asked) >= 2 and len(solved) == len(asked), (
        f"{path.name}: {len(asked)} exercises, {len(solved)} collapsed solutions")
    assert text.count("What to look for") >= len(asked), f"{path.name}: an exercise without 'What to look for'"
    assert notebook_text.solution_code(notebook), f"{path.name}: no solution has code that CI can run"


def test_solutions_are_appended_for_nbval(tmp_path):
    # conftest.py hands nbval the notebook with its solutions' code as extra cells at the end.
    import nbval.plugin

    path = tmp_path / "n.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("## Exercises\n\n1. Add one. What to look for: 2.\n\n<details><summary>Solution"
                                      "</summary>\n\n```python\nprint(x + 1)\n```\n\n</details>\n")])
    nbformat.write(notebook, path)
    read = nbval.plugin.nbformat.read(str(path), as_version=4)
    assert [cell.source.splitlines()[-1] for cell in read.cells if cell.cell_type == "code"] == ["x = 1", "print(x + 1)"]


def test_every_badge_install_cell_and_link_names_the_repository_in_pyproject():
    assert repository.mismatches() == []
    # Every notebook's install cell and Colab badge are among what the check reads.
    for path in NOTEBOOKS:
        found = repository.occurrences(path.read_text())
        assert found.count(repository.slug()) >= 2, f"{path.name}: {found}"


def test_a_fork_rewrites_every_occurrence_in_one_command(tmp_path, monkeypatch):
    import shutil

    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "notebooks").mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    monkeypatch.setattr(repository, "ROOT", tmp_path)
    monkeypatch.setattr(repository, "PYPROJECT", tmp_path / "pyproject.toml")
    before = sum(len(repository.occurrences(p.read_text())) for p in repository.files())
    assert repository.main(["set", "a-teacher/gan-course"]) == 0
    assert repository.slug() == "a-teacher/gan-course" and repository.mismatches() == []
    assert sum(len(repository.occurrences(p.read_text())) for p in repository.files()) == before
    (tmp_path / "notebooks" / NOTEBOOKS[0].name).write_text(
        (tmp_path / "notebooks" / NOTEBOOKS[0].name).read_text().replace("a-teacher/gan-course", "someone/else", 1))
    assert repository.main(["check"]) == 1
    with pytest.raises(SystemExit, match="not a GitHub OWNER/NAME"):
        repository.set_slug("no slash")


TRAINING_NOTEBOOKS = [path for path in NOTEBOOKS if not path.name.startswith(("00_", "12_"))]


@pytest.mark.parametrize("path", TRAINING_NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_that_trains_offers_drive_before_its_setup_cell(path):
    sources = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    drive = next(i for i, source in enumerate(sources) if "files.keep_runs_on_drive(KEEP_RUNS_ON_DRIVE)" in source)
    setup = next(i for i, source in enumerate(sources) if "gan_utils.banner()" in source)
    assert drive < setup and "KEEP_RUNS_ON_DRIVE = False" in sources[drive]  # opt-in


def test_a_training_cell_over_15_minutes_on_a_t4_says_so_in_its_first_line():
    from gan_utils import budget

    # The cells that train a full configuration, and the configurations they train.
    long_cells = {"02_": ("dcgan_mnist", "dcgan_fashion_mnist"), "03_": ("dcgan_cifar10",),
                  "04_": ("wgan_cifar10", "wgan_gp_cifar10"), "11_": ("acgan_cifar10",)}
    for prefix, names in long_cells.items():
        minutes = sum(budget.full_run(configurations.get_config(name))["t4_minutes"] for name in names)
        path = next(p for p in NOTEBOOKS if p.name.startswith(prefix))
        cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        trains = [s for s in cells if "runner.train(" in s]
        assert trains, path.name
        says = trains[0].splitlines()[0].startswith("# Over 15 minutes on a Colab T4")
        assert says == (minutes > 15), f"{path.name}: {minutes:.0f} min, first line {trains[0].splitlines()[0]!r}"
