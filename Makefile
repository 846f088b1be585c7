# The two commands of the README's Quick start:
#   make serve   set up, validate, derive, build and serve the dataset in Datasette
#   make test    set up and run every check (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CFF    := .tools/cffconvert
PORT   ?= 8001
# pytest-xdist workers of `make test` (`make test TEST_WORKERS=0` runs in one process)
TEST_WORKERS ?= auto

.PHONY: install validate derive build serve test bench data release clean check-fresh

# uv when it is on PATH or installs into the venv (seconds), else pip (a minute or two): the line
# printed first says which. Both write the dependencies' bytecode at install time (pip does by default,
# uv with --compile-bytecode): where PYTHONDONTWRITEBYTECODE is set, every later command would otherwise
# compile some 700 modules afresh, about a second per process.
UV = $(shell command -v uv 2>/dev/null)
define install_into  # $(1): a venv's python; $(2): what to install
	@uv="$(UV)"; if [ -z "$$uv" ] && $(1) -m pip install --quiet --disable-pip-version-check uv >/dev/null 2>&1; then \
	  uv="$$(dirname $(1))/uv"; fi; \
	if [ -n "$$uv" ] && [ -x "$$uv" ]; then \
	  echo "installing $(2) into $$(dirname $$(dirname $(1))) with uv ..."; \
	  "$$uv" pip install --quiet --compile-bytecode --python $(1) $(2); \
	else \
	  echo "installing $(2) into $$(dirname $$(dirname $(1))) with pip (uv not available; a minute or two) ..."; \
	  $(1) -m pip install --quiet --disable-pip-version-check $(2); \
	fi
endef

$(STAMP): pyproject.toml
	@echo "installing the package and its dependencies into $(VENV) (first run: about a minute)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call install_into,$(BIN)/python,-e '.[test]')
	touch $(STAMP)

install: $(STAMP)

# cffconvert pins jsonschema < 4, which frictionless 5 cannot share: it lives in its own venv.
$(CFF)/bin/cffconvert:
	$(PYTHON) -m venv $(CFF)
	$(call install_into,$(CFF)/bin/python,cffconvert)

validate: install
	$(BIN)/ceg validate

derive: install
	$(BIN)/ceg derive

build: install
	$(BIN)/ceg build

serve: install
	$(BIN)/ceg derive --if-stale
	$(BIN)/ceg validate
	@echo "building and starting the site on http://127.0.0.1:$(PORT)/ (it says when it is ready)"
	$(BIN)/ceg serve --port $(PORT)

# Re-import the model and compute rows that come from the snapshots in data/raw/ (hand-added rows are kept).
data: install
	$(BIN)/ceg ingest all
	$(BIN)/ceg derive

# Dated from the version's CHANGELOG entry, SOURCE_DATE_EPOCH or the last commit (never the clock).
release: install
	test -n "$(VERSION)" || (echo "usage: make release VERSION=x.y.z [REASON='why a patch without data changes']" && false)
	$(BIN)/ceg release $(VERSION) $(if $(REASON),--reason "$(REASON)")

# CEG_MEMORY_KB (set by .ci/run and CI) bounds the virtual memory of the steps that read the package's
# files, so that a file slipping past the fast gate fails cleanly instead of exhausting the machine.
# GITHUB_BASE_REF (a pull request on GitHub) prints the data diff against the merge base first.
BOUND := $(if $(CEG_MEMORY_KB),ulimit -v $(CEG_MEMORY_KB) &&)

# Frictionless' own validation runs inside `ceg validate --strict`, and tests/test_readme.py runs the
# README's `frictionless validate datapackage.json` in a fresh clone: no third run here.
test: install $(CFF)/bin/cffconvert
	$(if $(GITHUB_BASE_REF),$(BOUND) $(BIN)/ceg diff --base "origin/$(GITHUB_BASE_REF)")
	$(BOUND) $(BIN)/ceg validate --strict
	$(BOUND) $(BIN)/ceg snapshots verify
	$(BOUND) $(BIN)/ceg ingest all --check
	$(BIN)/lint-imports
	$(CFF)/bin/cffconvert --validate -i CITATION.cff
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || echo "no Chromium here: the browser tests will be skipped (to run them: apt-get install chromium chromium-driver, as root)"
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: install
	$(BIN)/python -m bench.run

# Clone HEAD into an empty temporary folder and run the README's two commands there.
check-fresh:
	./scripts/check_fresh.sh

clean:
	rm -rf build dist .bench .pytest_cache
