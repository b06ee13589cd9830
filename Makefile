# Build the book and run every test. Both targets set up the virtual environment first if it is missing,
# so on a fresh machine `make book` and `make test` are all that is needed.
#
#   make test                 unit tests (tests/) and notebook regression tests (nbval over book/)
#   make book                 Jupyter Book HTML in _build/html, warnings are errors
#   make test VENV=.ci-venv   the same against another virtual environment (used by .ci/run)

VENV    ?= .venv
PY      ?= $(VENV)/bin/python
JB      ?= $(VENV)/bin/jupyter-book
PYTHON3 ?= python3
# Touched after a successful install: a half-finished install is retried, and editing
# requirements.txt or pyproject.toml triggers a re-install.
STAMP   := $(VENV)/.nadlib-installed
# The venv's bin/ first on PATH, so kernels and subprocesses started by the tools find the same environment.
RUN     := PATH="$(abspath $(VENV))/bin:$$PATH"

.PHONY: venv test book clean distclean

venv: $(STAMP)

$(PY):
	$(PYTHON3) -m venv $(VENV)

$(STAMP): $(PY) requirements.txt pyproject.toml
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	touch $@

# pytest.ini decides what runs: tests/ and --nbval over the notebooks in book/.
test: venv
	$(RUN) $(PY) -m pytest $(PYTEST_ARGS)

book: venv
	$(RUN) $(JB) build . -W -n --keep-going

clean:
	rm -rf _build .pytest_cache .hypothesis nadlib.egg-info
	find . -path ./$(VENV) -prune -o -path ./.ci-venv -prune -o -type d \
	    \( -name __pycache__ -o -name .ipynb_checkpoints \) -print -exec rm -rf {} +

# Also removes the virtual environments.
distclean: clean
	rm -rf $(VENV) .ci-venv
