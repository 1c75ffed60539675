# Two commands from a fresh clone:
#   make run    set up and run the bot; without BOT_TOKEN, a local sandbox with a chat page on 127.0.0.1:8080
#   make test   set up and run every check CI runs
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck content-check migrate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

lint: $(STAMP)
	$(BIN)/ruff check bot tests migrations
	$(BIN)/ruff format --check bot tests migrations

typecheck: $(STAMP)
	$(BIN)/mypy

content-check: $(STAMP)
	$(BIN)/python -m bot content check

test: $(STAMP) lint typecheck content-check
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pytest -q -m bench tests/bench -s

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
