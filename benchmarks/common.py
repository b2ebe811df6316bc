"""Plumbing shared by the benchmark scripts: arguments, sizes per profile, timing, tables.

Every script takes ``--profile quick|full`` (default: ``COURSE_PROFILE``,
else ``quick``), ``--smoke`` (the tiniest sizes, for the tests: numbers
mean nothing) and ``--out`` (default ``build/benchmarks``), and ends with
:func:`write_table`, which writes ``<out>/<name>.md`` and ``<out>/<name>.csv``
atomically and prints the table.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python benchmarks/x.py` from a checkout without installing
    sys.path.insert(0, str(ROOT))

from course_utils import settings  # noqa: E402
from course_utils.files import write_text_atomic  # noqa: E402
from course_utils.record import machine_info  # noqa: E402
from course_utils.report import markdown_table  # noqa: E402

DEFAULT_OUT = ROOT / "build" / "benchmarks"
SIZE_NAMES = ("smoke", "quick", "full")


def parser(description: str) -> argparse.ArgumentParser:
    """The arguments every benchmark takes; scripts may add their own."""
    p = argparse.ArgumentParser(description=description)
    default = os.environ.get("COURSE_PROFILE", "quick").strip().lower() or "quick"
    p.add_argument(
        "--profile",
        choices=settings.PROFILES,
        default=default if default in settings.PROFILES else "quick",
        help="sizes to run: quick (seconds, CI) or full (the real comparison); default COURSE_PROFILE or quick",
    )
    p.add_argument("--smoke", action="store_true", help="tiniest sizes (tests): checks the plumbing, numbers mean nothing")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    return p


def choose_sizes(sizes: Mapping[str, Mapping[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """The sizes for ``--smoke`` or the profile; every entry must define the same keys."""
    keys = {name: set(v) for name, v in sizes.items()}
    if set(sizes) != set(SIZE_NAMES) or len({frozenset(k) for k in keys.values()}) != 1:
        raise ValueError(f"sizes must define {SIZE_NAMES} with the same keys; got {keys}")
    name = "smoke" if args.smoke else args.profile
    out = dict(sizes[name])
    out["size_name"] = name
    return out


def prepare(profile: str, seed: int = 0) -> None:
    """Set the course profile for data loading (quick allows synthetic stand-ins) and seed everything.

    Also silences two Keras warnings that every ``fit`` on a ``tf.data``
    pipeline of unknown length repeats (they are expected here).
    """
    import warnings

    warnings.filterwarnings("ignore", message=r".*shuffle=True.*was passed.*")
    warnings.filterwarnings("ignore", message=r".*Your input ran out of data.*")
    os.environ["COURSE_PROFILE"] = profile
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    settings.reload()
    settings.seed_everything(seed)


def fit_timed(model: Any, train: Any, epochs: int, **fit_kwargs: Any) -> dict[str, Any]:
    """``model.fit`` with wall time per epoch.

    Returns ``history`` (dict), ``seconds`` (whole fit), ``epoch_seconds``
    (list), ``epochs`` (run; early stopping may stop sooner),
    ``per_epoch`` (mean leaving out the first epoch, which includes graph
    tracing, when there is more than one) and ``cpu_seconds`` (CPU time of
    all threads of this process during the fit: less sensitive than wall
    time to other load on the machine).
    """
    from course_utils.training import EpochTimer

    timer = EpochTimer()
    callbacks = [*fit_kwargs.pop("callbacks", []), timer]
    start, cpu_start = time.perf_counter(), time.process_time()
    history = model.fit(train, epochs=epochs, callbacks=callbacks, verbose=0, **fit_kwargs)
    seconds = time.perf_counter() - start
    return {
        "history": history.history,
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_start,
        "epoch_seconds": list(timer.seconds),
        "per_epoch": timer.per_epoch,
        "epochs": len(timer.seconds),
    }


def snapshot(model: Any) -> dict[str, list[Any]]:
    """The model's weights and its optimizer's variables (build the optimizer first: see below)."""
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    return {
        "weights": [w.copy() for w in model.get_weights()],
        "optimizer": [] if model.optimizer is None else [v.numpy().copy() for v in model.optimizer.variables],
    }


def reset_model(model: Any, state: dict[str, list[Any]]) -> None:
    """Restore a :func:`snapshot`: initial weights, optimizer moments, step count and learning rate.

    Lets several runs share one compiled model, so its graph is traced once.
    """
    model.set_weights(state["weights"])
    if model.optimizer is not None:
        for var, value in zip(model.optimizer.variables, state["optimizer"]):
            var.assign(value)
    for metric in model.metrics:
        metric.reset_state()


def environment_line(profile: str, size_name: str) -> str:
    """One line saying where and how a benchmark ran (the course's one machine probe, plus the load)."""
    info = machine_info()
    parts = [f"profile {profile}", f"sizes {size_name}", f"python {info['python']}"]
    parts += [f"{dist} {info[dist]}" for dist in ("tensorflow", "keras") if dist in info]
    parts.append(f"{info.get('cores', '?')} CPUs")
    try:
        parts.append(f"load average {os.getloadavg()[0]:.1f}")
    except OSError:
        pass
    return ", ".join(parts)


def write_table(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    out_dir: Path,
    *,
    title: str,
    description: str = "",
    columns: Sequence[str] | None = None,
    extra_md: str = "",
    environment: str = "",
) -> tuple[Path, Path]:
    """Write ``<out_dir>/<name>.csv`` (every column) and ``<name>.md`` (title, notes, table); print the table.

    Both files are replaced atomically. Returns ``(md_path, csv_path)``.
    """
    if not rows:
        raise ValueError(f"benchmark {name}: no rows to write")
    if columns is None:
        columns = list(dict.fromkeys(k for row in rows for k in row))
    out_dir = Path(out_dir)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
    csv_path = out_dir / f"{name}.csv"
    write_text_atomic(csv_path, buf.getvalue())

    table = markdown_table(rows, columns)
    md = [f"# {title}", ""]
    if environment:
        md += [f"Measured {time.strftime('%Y-%m-%d %H:%M')}: {environment}.", ""]
    if description:
        md += [description.strip(), ""]
    md += [table, ""]
    if extra_md:
        md += [extra_md.strip(), ""]
    md_path = out_dir / f"{name}.md"
    write_text_atomic(md_path, "\n".join(md))
    print(f"\n{title}\n\n{table}\n\nwritten: {md_path} and {csv_path}")
    return md_path, csv_path
