# The two commands of the README:
#   make run   set up .venv and run the service on its embedded defaults with demo data
#   make test  set up .venv and the test servers (PostgreSQL, Redis from apt; an
#              OpenAI-compatible llama.cpp server in .venv-llm), run every test
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: run test install lint services bench clean

run: $(STAMP)
	$(BIN)/omnireply demo seed
	$(BIN)/omnireply serve

test: $(STAMP) services
	$(BIN)/lint-imports
	$(BIN)/ruff check app tests
	$(BIN)/python scripts/run_tests.py

install: $(STAMP)

# torch first, pinned to the CPU wheel: anything else pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

services:
	scripts/install_test_services.sh
	scripts/install_llm_server.sh
	scripts/install_browser.sh

lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check app tests

clean:
	rm -rf $(VENV) var .pytest_cache
