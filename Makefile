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

.PHONY: venv test book assets explorer test-browser clean distclean

# Browser assets served by the book itself (offline): MathJax 3, RequireJS, the Jupyter widget manager.
# Exact versions in package.json / package-lock.json; `npm ci` installs them, and the files the pages load
# are copied into book/_vendor/ (git-ignored), which Sphinx serves as a static path. Not a root _static/:
# Jupyter Book 1 would inject every script found there into every page.
VENDOR  := book/_vendor
EXPLORER_PORT ?= 8866

venv: $(STAMP)

$(PY):
	$(PYTHON3) -m venv $(VENV)

$(STAMP): $(PY) requirements.txt pyproject.toml
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -r requirements.txt
	touch $@

# pytest.ini decides what runs: tests/ and --nbval over the notebooks in book/.
test: venv
	$(RUN) $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

book: venv assets
	$(RUN) $(JB) build . -W -n --keep-going

assets: $(VENDOR)/.stamp

$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/html-manager
	cp -r node_modules/mathjax/es5 $(VENDOR)/mathjax
	cp node_modules/requirejs/require.js $(VENDOR)/require.js
	cp node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js $(VENDOR)/html-manager/
	# the widget manager's CSS asks for its icon fonts relative to the *page*, at
	# <page dir>/@jupyter-widgets/html-manager/dist/: served from there via html_extra_path
	mkdir -p $(VENDOR)/extra/book/@jupyter-widgets/html-manager/dist
	find node_modules/@jupyter-widgets/html-manager/dist -maxdepth 1 \
	    \( -name '*.woff*' -o -name '*.ttf' -o -name '*.eot' -o -name '*.svg' \) \
	    -exec cp {} $(VENDOR)/extra/book/@jupyter-widgets/html-manager/dist/ \;
	touch $@

# The explorer notebook as an app: Voila on the loopback interface only, no code shown. book/_voila/voila.py
# (loaded through config_file_paths, the test does the same) works around a lost-reply race in the server-side
# run of the notebook that otherwise leaves the page, at random, waiting for ever: see book/_voila/kernel_send.py.
explorer: venv
	@echo "Serving the explorer at http://127.0.0.1:$(EXPLORER_PORT)/ (Ctrl-C to stop)"
	$(RUN) $(VENV)/bin/voila book/explorer.ipynb --no-browser --Voila.ip=127.0.0.1 \
	    --port=$(EXPLORER_PORT) --strip_sources=True --Voila.config_file_paths=book/_voila

# Tests that drive Debian's Chromium (/usr/bin/chromium) through Playwright: the built book (run
# `make book` first), its static explorers, and the Voila explorer. Install the browser with `apt-get install chromium`.
test-browser: venv
	$(RUN) $(PY) -m pytest -m browser tests/test_browser.py tests/test_browser_static.py $(PYTEST_ARGS)

clean:
	rm -rf _build .pytest_cache .hypothesis nadlib.egg-info $(VENDOR)
	find . -path ./$(VENV) -prune -o -path ./.ci-venv -prune -o -type d \
	    \( -name __pycache__ -o -name .ipynb_checkpoints \) -print -exec rm -rf {} +

# Also removes the virtual environments.
distclean: clean
	rm -rf $(VENV) .ci-venv
