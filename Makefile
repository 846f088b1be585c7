# The two commands of the README's Quick start:
#   make serve   set up, validate, derive, build and serve the dataset in Datasette
#   make test    set up and run every check (what CI runs)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CFF    := .tools/cffconvert
PORT   ?= 8001

.PHONY: install validate derive build serve test bench data release clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# cffconvert pins jsonschema < 4, which frictionless 5 cannot share: it lives in its own venv.
$(CFF)/bin/cffconvert:
	$(PYTHON) -m venv $(CFF)
	$(CFF)/bin/python -m pip install --quiet --disable-pip-version-check cffconvert

validate: install
	$(BIN)/ceg validate

derive: install
	$(BIN)/ceg derive

build: install
	$(BIN)/ceg build

serve: install
	$(BIN)/ceg derive
	$(BIN)/ceg validate
	$(BIN)/ceg serve --port $(PORT)

# Re-import the rows that come from ../shared/reference and from the snapshots under data/raw
# (hand-added rows are kept).
data: install
	$(BIN)/python scripts/import_reference.py
	$(BIN)/python scripts/import_obsscaling.py
	$(BIN)/ceg derive

release: install
	test -n "$(VERSION)" || (echo "usage: make release VERSION=x.y.z" && false)
	$(BIN)/ceg release $(VERSION)

test: install $(CFF)/bin/cffconvert
	./scripts/ensure_chromium.sh
	$(BIN)/ceg validate --strict
	$(BIN)/python scripts/import_reference.py --check
	$(BIN)/python scripts/import_obsscaling.py --check
	$(BIN)/frictionless validate datapackage.json
	$(CFF)/bin/cffconvert --validate -i CITATION.cff
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf build dist .bench .pytest_cache
