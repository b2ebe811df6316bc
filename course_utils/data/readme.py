"""``data/README.md``: the registry rendered as Markdown, inside generated markers.

The text outside the markers is hand-written and kept when the file is
regenerated with ``python -m course_utils.data readme --write data/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import files
from .loaders import loader_options
from .registry import DATASETS

BEGIN = "<!-- BEGIN GENERATED: python -m course_utils.data readme --write data/README.md -->"
END = "<!-- END GENERATED -->"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _size(n: int | None) -> str:
    if not n:
        return "?"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def render_table() -> str:
    """The generated block: a files table and a datasets table (options, splits, lessons)."""
    lines = [
        "| Dataset | File | Size | Check | Licence | Citation | URL |",
        "|---|---|---|---|---|---|---|",
    ]
    for info in DATASETS.values():
        for i, spec in enumerate(info.files):
            first = i == 0
            check = f"`{spec.checksum}`" if spec.checksum else f"structure ({_cell(spec.structure)})"
            lines.append(
                "| "
                + " | ".join(
                    [
                        f"`{info.name}`" if first else "",
                        f"`{_cell(spec.filename)}`",
                        (_size(spec.size) if spec.size else f"about {_size(spec.approx_size)}")
                        + ("" if spec.checksum else " (varies)"),
                        check,
                        _cell(info.licence) if first else "",
                        _cell(info.citation) if first else "",
                        f"<{spec.url}>",
                    ]
                )
                + " |"
            )
    lines += [
        "",
        "| Dataset | What it is | Split policy | Options of `load()` (defaults) | Lessons |",
        "|---|---|---|---|---|",
    ]
    for info in DATASETS.values():
        opts = ", ".join(f"`{k}={v!r}`" for k, v in loader_options(info.name).items())
        lines.append(
            f"| `{info.name}` | {_cell(info.description)} | {_cell(info.split_policy)} | {_cell(opts)} | "
            f"{', '.join(info.lessons)} |"
        )
    notes = [
        f"- `{info.name}` / `{spec.filename}`: {_cell(spec.note)}"
        for info in DATASETS.values()
        for spec in info.files
        if spec.note
    ]
    lines += ["", "Notes on the files:", "", *notes]
    return "\n".join([BEGIN, *lines, END])


TEMPLATE = """\
# Data

The notebooks never read data from this folder: `course_utils.data` keeps
downloaded files in a cache outside git and reads pre-fetched copies from
*mirror* folders in place. This file lists the datasets (the table is
generated from the registry in `course_utils/data/registry.py`) and explains
how to prepare a machine that has no internet access.

```python
from course_utils import data
data.names()                         # the datasets
data.status()                        # cached / mirror / missing, and what load() will do
imdb = data.load("imdb", max_train=2000, max_test=500)
imdb.source, imdb.train.texts[0], imdb.train.labels[:5], imdb.label_names
```

## Datasets

{table}

## How a file is obtained

1. **Cache**: `$COURSE_DATA_DIR/files/<file>` (default `~/.cache/rnn-course`).
   A corrupt or truncated cached file is detected, removed, reported and
   obtained again.
2. **Mirror folders**: every folder in `COURSE_DATA_MIRROR` (separated by
   `:` on Linux/macOS, `;` on Windows), looked up by the relative name in the
   table (e.g. `ag_news_csv/test.csv`). Mirror files are read where they are,
   never copied.
3. **Download** from the URL in the table (not when `COURSE_OFFLINE=1`),
   with a progress bar and a timeout, into a temporary name that is renamed
   only after the file passed its check.
4. **Synthetic stand-in**, in the quick profile only (`COURSE_PROFILE=quick`):
   same schema, a learnable planted signal, a loud banner
   `SYNTHETIC STAND-IN DATA: ...` and `.source == "synthetic"`. Numbers
   measured on it mean nothing. In the full profile a missing file raises
   `DataUnavailableError`, whose message names the file, its URL and
   `COURSE_DATA_MIRROR`.

Archives are extracted into `$COURSE_DATA_DIR/extracted/<dataset>/`
(refusing absolute paths, `..` and links that leave the folder; an
interrupted extraction leaves nothing behind), and parsed data is kept in
`$COURSE_DATA_DIR/processed/`. The first IMDB load extracts 50,000 review
files (about 20 s on an idle 2-core machine, longer on a busy one); every
later load reads the parsed copy in about a second. To pay that cost before
a timed run (CI, a classroom), run `python -m course_utils.data prepare --all`.

## Checks: hashes where upstream is fixed, structure where it changes

Files that never change upstream are checked against a pinned sha256 (or
md5, where only that is published). Gutenberg texts, manythings'
`fra-eng.zip`, the UCI zip and `tweet_emotions.csv` change over time (line
endings, new editions, re-zipping), so they are checked by *structure*
instead: parse them, count rows, find the Gutenberg START/END markers.

## Pre-filling an offline mirror

On a machine with internet access:

```bash
python -m course_utils.data fetch --all --to /path/to/mirror   # or: fetch imdb alice --to ...
```

This downloads every file (or copies it from your cache), checks it, stores
it under its relative name and writes `/path/to/mirror/SHA256SUMS`. Copy the
folder to the offline machine (a USB stick, a shared drive) and point the
course at it:

```bash
export COURSE_DATA_MIRROR=/path/to/mirror
export COURSE_OFFLINE=1
python -m course_utils.data list              # every file should say "mirror"
python -m course_utils.data list --check      # ... and pass its check
python -m course_utils.data prepare --all     # optional: extract and parse once, ahead of time
```

You can also fill a mirror by hand: put each file under the relative name
shown in the table (e.g. `ag_news_csv/test.csv`, `sentiment labelled sentences.zip`).

**Rebuilt archives and `SHA256SUMS`.** A mirror may hold files whose bytes
differ from upstream (an archive re-packed from the same data, say). List
them in a `SHA256SUMS` file in the mirror folder (`sha256sum` format, paths
relative to the folder, e.g. `sha256sum aclImdb_v1.tar.gz > SHA256SUMS`):
files listed there are checked against it instead of the upstream hash (a
wrong hash there is an error naming the file); files not listed are checked
against the registry as usual.

## AG News and tensorflow-datasets

Lesson 06 loads AG News. If a prepared tensorflow-datasets copy exists in
`$COURSE_DATA_DIR/tensorflow_datasets/ag_news_subset/`, it is read with
`download=False` (tfds would otherwise retry for minutes when offline). To
make one, on a machine with internet access run
`python -c "import tensorflow_datasets as tfds; tfds.load('ag_news_subset', data_dir='<COURSE_DATA_DIR>/tensorflow_datasets')"`
and copy that folder. Otherwise the CSV files are used. If only `test.csv` is
available, `load("ag_news", allow_partial=True)` splits its 7,600 real rows
into train and test (`.partial == True`, with a printed warning); without
`allow_partial` the quick profile falls back to a synthetic stand-in.

## Licences

Each dataset keeps its own licence or terms (see the table); cite the
papers listed when you publish results. Nothing in this folder is data.
"""


def render_readme() -> str:
    """The full README: the hand-written template with the generated table."""
    return TEMPLATE.format(table=render_table())


def merge(existing: str) -> str:
    """``existing`` README text with its generated block replaced (the template if it has none)."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not existing.strip() or not pattern.search(existing):
        return render_readme()
    return pattern.sub(lambda _: render_table(), existing, count=1)


def write(path: str | Path) -> Path:
    """Update (or create) the README at ``path``, keeping its hand-written parts."""
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    return files.write_text_atomic(path, merge(existing))


def generated_block(text: str) -> str | None:
    """The generated block inside ``text`` (markers included), or None."""
    match = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, re.DOTALL)
    return match.group(0) if match else None
