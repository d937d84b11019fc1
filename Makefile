# One virtual environment, made from requirements-dev.txt (which includes requirements.txt).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# make gifs SMOKE=1: the same configurations in smoke mode (few steps, offline data, runs/smoke-gifs/).
SMOKE ?= 0

.PHONY: venv demo test gifs bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

venv: $(VENV)/.installed

## demo: train the tutorial DCGAN on the offline digits (~2 min on 2 CPU cores); writes gifs/dcgan_mnist_5k.{gif,png}
demo: venv
	$(PY) -m gan_utils train dcgan_mnist_5k

## test: unit tests plus every notebook executed by nbval, in smoke mode
# Notebooks resume from their run folders; smoke runs start clean so that they really train.
test: venv
	rm -rf notebooks/runs
	GAN_UTILS_SMOKE=1 $(PY) -m pytest --nbval-lax --nbval-current-env

## gifs: every notebook configuration in full mode (downloads the datasets; a GPU is recommended)
# make gifs CONFIGS="dcgan_mnist dcgan_cifar10" trains only those.
CONFIGS ?= all
gifs: venv
	GAN_UTILS_SMOKE=$(SMOKE) $(PY) -m gan_utils train $(CONFIGS)

## bench (about an hour): speed and quality against the reports' own loops, the DCGAN's quality over a longer run, conditional class accuracy; writes benchmarks/RESULTS.md (the README quotes it)
QUALITY_SECONDS ?= 180
QUALITY_LONG_STEPS ?= 8800
bench: venv
	$(PY) benchmarks/train_speed.py > benchmarks/.train_speed.md
	$(PY) benchmarks/quality_digits.py --seconds $(QUALITY_SECONDS) --long-steps $(QUALITY_LONG_STEPS) > benchmarks/.quality_digits.md
	$(PY) benchmarks/conditional_digits.py > benchmarks/.conditional_digits.md
	{ cat benchmarks/.train_speed.md; echo; cat benchmarks/.quality_digits.md; echo; cat benchmarks/.conditional_digits.md; } > benchmarks/.RESULTS.md
	mv benchmarks/.RESULTS.md benchmarks/RESULTS.md
	rm -f benchmarks/.train_speed.md benchmarks/.quality_digits.md benchmarks/.conditional_digits.md

clean:
	rm -rf runs notebooks/runs .pytest_cache build *.egg-info
