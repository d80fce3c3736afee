# The README's two commands: `make demo` (the main job) and `make test` (every test).
# Both set up a fresh machine first; setup is idempotent and quick when already done.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip
NPM ?= npm

.PHONY: setup setup-system setup-python build-js demo tour test test-fast bench clean

setup: setup-system setup-python build-js

# Debian's Chromium for the browser tests (never a downloaded browser build).
setup-system:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Chromium from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	fi

setup-python:
	$(PIP) install -q --disable-pip-version-check -e ".[test,interop]"

build-js:
	cd js && $(NPM) ci --no-audit --no-fund --silent && $(NPM) run build --silent

# The main job: write a demo run with every media type and export it to one offline HTML file.
demo: setup
	$(PYTHON) -m filmstrip.cli demo --dir filmstrip-runs --export filmstrip-demo.html

# The tour notebooks in JupyterLab.
tour: setup
	$(PYTHON) -m jupyter lab notebooks/

test: setup
	$(PYTHON) -m pytest -q -p no:cacheprovider

test-fast:
	$(PYTHON) -m pytest -q -p no:cacheprovider -m "not browser and not e2e"

bench:
	$(PYTHON) bench/run.py

clean:
	rm -rf src/filmstrip/static js/node_modules filmstrip-runs filmstrip-demo.html
