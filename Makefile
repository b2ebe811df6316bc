# Thin wrappers around the commands README.md shows.
#   make run            execute every lesson (quick profile; PROFILE=full for the real lessons)
#   make test           unit tests + every notebook under nbval (quick profile)
#   make lab            JupyterLab in the course environment
# The environment is a venv in .venv, created on first use from pyproject.toml.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PROFILE ?= quick
JOBS ?= 2
PYTEST_ARGS ?=

.PHONY: setup data run test test-unit test-notebooks test-student lab strip images clean help

help:
	@echo "make run [PROFILE=quick|full]  execute every lesson, write build/report.md"
	@echo "make test                      unit tests + all notebooks under nbval (quick profile)"
	@echo "make lab                       open JupyterLab on notebooks/ (served from the repository root)"
	@echo "make exercises                 student edition without solutions in build/student/"
	@echo "make test-student              run the student edition (stubs unanswered) under nbval"
	@echo "make results [LESSONS=\"05 09\"]   full profile on real data into build/full, then docs/results.md"
	@echo "make strip                     remove outputs from notebooks before committing"

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	@touch $@

run: setup data
	$(PY) -m course_utils.runner --profile $(PROFILE)

test: setup data
	COURSE_PROFILE=quick $(PY) -m pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider tests notebooks $(PYTEST_ARGS)

test-unit: setup
	COURSE_PROFILE=quick $(PY) -m pytest -n $(JOBS) --dist loadfile -p no:cacheprovider tests $(PYTEST_ARGS)

test-notebooks: setup data
	COURSE_PROFILE=quick $(PY) -m pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider notebooks $(PYTEST_ARGS)

# The student edition (every exercise left as its stub) must still run top to bottom; CI runs this on
# synthetic data (COURSE_DATA_MIRROR= and an empty COURSE_DATA_DIR), as a student without the data would.
test-student: setup
	$(PY) -m course_exercises student --out build/student
	COURSE_PROFILE=quick $(PY) -m pytest -n $(JOBS) --dist loadfile --nbval-lax -p no:cacheprovider build/student/notebooks $(PYTEST_ARGS)

# Extract and parse every dataset once (from the cache or the mirror), so the
# lessons start warm; without data, the quick profile falls back to synthetic.
data: setup
	COURSE_PROFILE=quick $(PY) -m course_utils.data prepare --all

# The server is rooted at the repository, so the lessons' ../images diagrams and ../docs links
# resolve; it opens on notebooks/. (tests/test_browser.py starts JupyterLab with these options.)
LAB_OPTS = --ServerApp.root_dir="$(CURDIR)" --ContentsManager.preferred_dir=notebooks
lab: setup
	$(VENV)/bin/jupyter lab $(LAB_OPTS)

# make bench [PROFILE=quick|full] [BENCH="padding_waste source_vs_ours course"]: tables in build/benchmarks/
.PHONY: bench
bench: setup data
	$(PY) benchmarks/run_all.py --profile $(PROFILE) $(BENCH)

strip: setup
	$(VENV)/bin/nbstripout --keep-id notebooks/*.ipynb

images: setup
	$(PY) images/draw_diagrams.py

# The full-profile reproduction: the committed record (docs/record) seeds build/full, the chosen
# lessons (default: all) run again on the real data, then docs/results.md and docs/record are
# written from it. All lessons take a few hours on 2 CPU cores. NOTE=file.md adds a paragraph.
.PHONY: results
results: setup data
	$(PY) -m course_utils.record restore --record docs/record --build build/full
	-$(PY) -m course_utils.runner --profile full --keep --build build/full $(LESSONS)
	$(PY) -m course_utils.report results-doc --build build/full --out docs/results.md --record docs/record $(if $(NOTE),--note-file $(NOTE))

# The student edition: every notebook without its exercise solutions, in build/student/
.PHONY: exercises
exercises: setup
	$(PY) -m course_exercises student --out build/student

clean:
	rm -rf build
