# The two commands of the README's Quick start:
#   make serve   set up, validate, derive, build and serve the dataset in Datasette
#   make test    set up and run every check (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CFF    := .tools/cffconvert
PORT   ?= 8001
# pytest-xdist workers of `make test` (`make test TEST_WORKERS=0` runs in one process); an idle worker
# takes tests queued for the other (--dist worksteal), so neither waits alone at the end
TEST_WORKERS ?= auto

.PHONY: install validate derive build serve test bench data release clean check-fresh

# uv when it is on PATH or in a venv (seconds), else pip (a minute or two): the line printed first
# says which. Neither compiles the dependencies' 6,600 modules at install (6 s): each module's
# bytecode is written the first time a command imports it, and only a third of them ever is.
# PYTHONDONTWRITEBYTECODE, which many containers set, is therefore lifted for make's commands:
# with it, every later command would compile its 700 modules afresh, about a second per process.
unexport PYTHONDONTWRITEBYTECODE
UV = $(shell command -v uv 2>/dev/null)
define install_into  # $(1): a venv's python; $(2): what to install
	@uv="$(UV)"; [ -n "$$uv" ] || uv="$$(dirname $(1))/uv"; [ -x "$$uv" ] || uv="$(BIN)/uv"; \
	if [ -x "$$uv" ]; then \
	  echo "installing $(2) into $$(dirname $$(dirname $(1))) with uv ..."; \
	  "$$uv" pip install --quiet --python $(1) $(2); \
	else \
	  echo "installing $(2) into $$(dirname $$(dirname $(1))) with pip (uv not available; a minute or two) ..."; \
	  $(1) -m pip install --quiet --disable-pip-version-check --no-compile $(2); \
	fi
endef

# A new venv: by uv when it is on PATH or $(3) (a venv's uv) exists; else one without pip, into which
# the system's pip installs uv; else the standard library's venv, whose pip then tries to install uv.
# uv's venvs take a fraction of a second, the standard one's pip a few seconds.
define new_venv  # $(1): the venv's folder; $(2): a python; $(3): a uv that may exist
	@echo "creating $(1)"; uv="$(UV)"; [ -n "$$uv" ] || uv="$(3)"; \
	if [ -n "$$uv" ] && [ -x "$$uv" ]; then "$$uv" venv --quiet --clear --python $(2) $(1); \
	elif $(2) -m venv --without-pip $(1) && $(2) -m pip --python $(1)/bin/python install --quiet \
	    --disable-pip-version-check uv >/dev/null 2>&1 && [ -x $(1)/bin/uv ]; then :; \
	else rm -rf $(1) && $(2) -m venv $(1) && { $(1)/bin/python -m pip install --quiet --disable-pip-version-check \
	    uv >/dev/null 2>&1 || true; }; fi
endef

$(BIN)/python:
	@echo "installing the package and its dependencies into $(VENV) (first run: seconds with uv, a minute or two with pip)"
	$(call new_venv,$(VENV),$(PYTHON),)

$(STAMP): pyproject.toml | $(BIN)/python
	$(call install_into,$(BIN)/python,-e '.[test]')
	touch $(STAMP)

install: $(STAMP)

# cffconvert pins jsonschema < 4, which frictionless 5 cannot share: it lives in its own venv, made
# once the main one exists (whose uv it can use); `make test` installs both at once.
$(CFF)/bin/cffconvert: | $(BIN)/python
	$(call new_venv,$(CFF),$(PYTHON),$(BIN)/uv)
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

# The checks before the test suite. They only read, so `make test` runs them side by side (each
# one's output printed whole when it ends, where make can): the package gate (`ceg validate`), the
# snapshots' hashes, the layering of the code, the citation metadata (whose checker, in a venv of
# its own, is installed on the first run while the other checks run). What `ceg validate --strict`
# adds on the package is checked once, in the test suite's processes rather than in more of its
# own: the derived tables recomputed whatever the fingerprint says by tests/test_validate.py,
# Frictionless' own validation by tests/test_readme.py (the README's `frictionless validate
# datapackage.json`, in a fresh copy of the tracked files), Pandera on every table by
# tests/test_screen.py; and the imports' `--check` by tests/test_dataset.py, one step per test.
CHECKS := check-package check-snapshots check-imports check-citation
SYNC := $(if $(filter output-sync,$(.FEATURES)),--output-sync=target)
.PHONY: $(CHECKS)

check-package: install
	$(BOUND) $(BIN)/ceg validate

check-snapshots: install
	$(BOUND) $(BIN)/ceg snapshots verify

check-imports: install
	$(BIN)/lint-imports

check-citation: $(CFF)/bin/cffconvert
	$(CFF)/bin/cffconvert --validate -i CITATION.cff

test:
	@$(MAKE) --no-print-directory -j2 install $(CFF)/bin/cffconvert
	$(if $(GITHUB_BASE_REF),$(BOUND) $(BIN)/ceg diff --base "origin/$(GITHUB_BASE_REF)")
	@$(MAKE) --no-print-directory -j$(words $(CHECKS)) $(SYNC) $(CHECKS)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || echo "no Chromium here: the browser tests will be skipped (to run them: apt-get install chromium chromium-driver, as root)"
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)

bench: install
	$(BIN)/python -m bench.run

# Clone HEAD into an empty temporary folder and run the README's two commands there.
check-fresh:
	./scripts/check_fresh.sh

clean:
	rm -rf build dist .bench .pytest_cache
