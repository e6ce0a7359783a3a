# Set-up and main jobs. `make run` and `make test` are all a fresh machine needs.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
OUT     := out

.PHONY: run test ui bench lint clean

$(STAMP): pyproject.toml
	@sh scripts/make-venv.sh $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	@mkdir -p $(OUT)
	$(VENV)/bin/pausegame run --scenario article --out $(OUT)/article.parquet --plot $(OUT)/article.png

test: $(STAMP)
	$(PY) -m pytest -q

ui: $(STAMP)
	$(VENV)/bin/pausegame ui

bench: $(STAMP)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(OUT)
