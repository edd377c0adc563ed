# One command for each job; each creates .venv and installs what it needs on a fresh machine.
#   make run    the main job: the FC handler invoked locally on events/timer.json, against the
#               built-in emulated cloud seeded with the sample account (no credentials needed);
#               it ends by writing the HTML report out/report.html
#   make test   format check, lint, the Python 3.10 floor check, the type checker (mypy --strict over
#               lib/cis216), the FC code package and the whole test suite (what CI runs)
#   make package  dist/cis216-fc.zip, the code package s.yaml deploys, for FC's python3.10 on x86_64
#               Linux, with pip (no Docker; needs PyPI). Skipped when requirements.txt and lib/ did
#               not change; FORCE=1 builds anyway (pip resolves requirements.txt's ranges again).
#   make bench  the benchmark (bench/run.py), figures printed and written to bench/results.json
#   make screenshots  docs/img/report.png (the report of the bundled sample) and docs/img/dashboard.png
#               (`cis216 setup --preview`), shot by headless Chromium
#   make bench-org  the organisation fan-out (bench/org.py): 1,000 members, 100 ms per call, wall
#               time vs ideal, AssumeRole peak rate, largest payload (bench/org-results.json)
#   make faults the whole fault matrix of issue 12 (tests/functional/faults; `make test` runs a
#               fixed-seed sample of it)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: venv run test lint typecheck package bench bench-org faults screenshots clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "cis216 needs Python >= 3.10" or 0)'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: venv
	@mkdir -p out
	$(BIN)/cis216 invoke events/timer.json --report out/report.html || test $$? -eq 1  # 1: a finding matched --fail-on
	@echo "open out/report.html in a browser: the findings of this run as one self-contained page"

# The README's pictures, rendered by headless Chromium (Debian package `chromium`):
# docs/img/report.png, the bundled sample's findings; docs/img/dashboard.png, the dashboard's charts
# computed on the bundled samples (a local preview, not the SLS console).
screenshots: venv
	@mkdir -p out
	$(BIN)/cis216 invoke events/timer.json --format jsonl --report out/sample-report.html >/dev/null 2>&1 || test $$? -eq 1
	$(BIN)/python -m tests.browser out/sample-report.html docs/img/report.png 1200 1500
	$(BIN)/cis216 setup --preview out/dashboard.html
	$(BIN)/python -m tests.browser out/dashboard.html docs/img/dashboard.png 1400 2400

lint: venv
	$(BIN)/ruff format --check lib handler tests bench
	$(BIN)/ruff check lib handler tests bench
	$(BIN)/vermin --target=3.10- --violations --no-tips --eval-annotations --backport typing_extensions lib handler bench

typecheck: venv
	$(BIN)/mypy

package: venv
	$(BIN)/python -m cis216.deploy.package $(if $(FORCE),--force)

# The package first: tests/functional/package runs the zip (tests never reach PyPI themselves).
test: lint typecheck package
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python bench/run.py

bench-org: venv
	$(BIN)/python bench/org.py

faults: venv
	CIS216_FULL_FAULT_MATRIX=1 $(BIN)/python -m pytest tests/functional/faults

clean:
	rm -rf $(VENV) build dist .cache lib/*.egg-info .pytest_cache .hypothesis
