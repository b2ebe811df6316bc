"""Padding waste: how much of every epoch is padding, and what it costs in time.

For two pipelines of the course, the POS tagger (treebank, lesson 09,
source 004) and AG News (title + description, lesson 06, source 002), the
same data and the same model (masking on) are trained with three batching
strategies, in one run:

- ``pad to longest``: every sequence padded to the longest one (source 004
  padded every treebank sentence to 271 steps);
- ``pad per batch``: random batches, each padded to its own longest
  sequence (what source 002's ``TextVectorization`` inside the model does);
- ``length buckets``: batches of similar length (``course_utils.text.bucketed_dataset``),
  with ``mask_zero=True`` (ours).

It reports the padded share of timesteps, timesteps per epoch, seconds per
epoch (leaving out the first, which includes graph tracing) and the test
metric (masked token accuracy / accuracy), and writes
``build/benchmarks/padding_waste.md`` and ``.csv``.

    python benchmarks/padding_waste.py [--profile quick|full] [--smoke]
"""

from __future__ import annotations

import sys
import time
from typing import Any

import common

SIZES = {
    # pos_sentences / news_texts: training examples; test: test examples per pipeline;
    # epochs: rounds, the first of which (graph tracing) is not timed
    "smoke": dict(pos_sentences=64, news_texts=64, test=32, epochs=2, embed_dim=8, units=8, batch_size=16, n_buckets=4),
    "quick": dict(pos_sentences=384, news_texts=384, test=128, epochs=3, embed_dim=16, units=16, batch_size=32, n_buckets=8),
    "full": dict(pos_sentences=None, news_texts=20000, test=2000, epochs=3, embed_dim=64, units=64, batch_size=32, n_buckets=16),
}

STRATEGIES = (
    ("pad to longest", "source 004 (POS, 271 steps)"),
    ("pad per batch", "source 002 (TextVectorization in the model)"),
    ("length buckets", "ours"),
)


def load_pos(cfg: dict[str, Any]) -> dict[str, Any]:
    """Treebank sentences as word ids and tag ids (per token); pad id 0 in both."""
    import course_utils as cu

    ds = cu.data.load("treebank")
    n = cfg["pos_sentences"]
    train_words = ds.train.sentences[:n] if n else ds.train.sentences
    train_tags = ds.train.tags[:n] if n else ds.train.tags
    words = cu.text.Vocabulary.build(train_words)
    tags = cu.text.Vocabulary.build(train_tags)
    all_lengths = [len(s) for s in ds.train.sentences + ds.test.sentences]
    return dict(
        name="POS tagger (treebank)",
        source=ds.source,
        x=words.encode_many(train_words),
        y=tags.encode_many(train_tags),
        x_test=words.encode_many(ds.test.sentences[: cfg["test"]]),
        y_test=tags.encode_many(ds.test.tags[: cfg["test"]]),
        longest=max(all_lengths),  # the source padded to the longest sentence of the corpus (271)
        vocab=len(words),
        n_classes=len(tags),
        per_token=True,
        source_way="pad to longest",
    )


def load_news(cfg: dict[str, Any]) -> dict[str, Any]:
    """AG News title + description as word ids, one topic label per text."""
    import numpy as np

    import course_utils as cu

    ds = cu.data.load("ag_news", field="both", allow_partial=True, max_train=cfg["news_texts"], max_test=cfg["test"])
    train_tokens = [cu.text.tokenize(t) or ["<empty>"] for t in ds.train.texts]
    test_tokens = [cu.text.tokenize(t) or ["<empty>"] for t in ds.test.texts]
    vocab = cu.text.Vocabulary.build(train_tokens, max_size=20000)
    x = vocab.encode_many(train_tokens)
    return dict(
        name="AG News (title + description)" + (" [partial: test.csv split]" if getattr(ds, "partial", False) else ""),
        source=ds.source,
        x=x,
        y=np.asarray(ds.train.labels, dtype="int64"),
        x_test=vocab.encode_many(test_tokens),
        y_test=np.asarray(ds.test.labels, dtype="int64"),
        longest=max(len(s) for s in x),
        vocab=len(vocab),
        n_classes=len(ds.label_names),
        per_token=False,
        source_way="pad per batch",
    )


def build_model(data: dict[str, Any], cfg: dict[str, Any]) -> Any:
    """The one model of a pipeline; every strategy starts from its initial weights."""
    import keras
    from keras import layers

    import course_utils as cu

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(data["vocab"], cfg["embed_dim"], mask_zero=True)(inputs)
    if data["per_token"]:
        x = layers.Bidirectional(layers.GRU(cfg["units"], return_sequences=True))(x)
        outputs = layers.Dense(data["n_classes"], activation="softmax")(x)
        metrics = [cu.metrics.MaskedAccuracy(name="metric")]
    else:
        x = layers.LSTM(cfg["units"])(x)
        outputs = layers.Dense(data["n_classes"], activation="softmax")(x)
        metrics = [keras.metrics.SparseCategoricalAccuracy(name="metric")]
    model = keras.Model(inputs, outputs)
    # no XLA: it would recompile for every new batch shape, which is not what we measure
    model.compile(
        optimizer=keras.optimizers.Adam(5e-3), loss="sparse_categorical_crossentropy", metrics=metrics, jit_compile=False
    )
    return model


def make_dataset(strategy: str, data: dict[str, Any], cfg: dict[str, Any]) -> Any:
    import course_utils as cu

    if strategy == "pad to longest":
        return cu.text.padded_dataset(data["x"], data["y"], cfg["batch_size"], maxlen=data["longest"], seed=0)
    if strategy == "pad per batch":  # one bucket = random batches, each padded to its own longest
        return cu.text.bucketed_dataset(data["x"], data["y"], cfg["batch_size"], boundaries=[], seed=0)
    if strategy == "length buckets":
        return cu.text.bucketed_dataset(data["x"], data["y"], cfg["batch_size"], n_buckets=cfg["n_buckets"], seed=0)
    raise ValueError(f"unknown strategy {strategy!r}")


def measure(data: dict[str, Any], cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per strategy for one pipeline.

    The strategies share one compiled model (traced once) and take turns:
    every round trains each strategy for one epoch from its own saved
    weights and optimizer state. Round 1 is a warm-up (graph tracing for
    every batch shape) and is not timed; interleaving keeps a change in the
    machine's load from favouring one strategy.
    """
    import numpy as np

    import course_utils as cu

    test = cu.text.bucketed_dataset(data["x_test"], data["y_test"], 128, n_buckets=cfg["n_buckets"], shuffle=False)
    model = build_model(data, cfg)
    initial = common.snapshot(model)
    states = {name: initial for name, _ in STRATEGIES}
    wall: dict[str, list[float]] = {name: [] for name, _ in STRATEGIES}
    cpu: dict[str, list[float]] = {name: [] for name, _ in STRATEGIES}
    for _ in range(cfg["epochs"]):
        for name, _ in STRATEGIES:
            common.reset_model(model, states[name])
            ds = make_dataset(name, data, cfg)
            w0, c0 = time.perf_counter(), time.process_time()
            model.fit(ds, epochs=1, verbose=0)
            wall[name].append(time.perf_counter() - w0)
            cpu[name].append(time.process_time() - c0)
            states[name] = common.snapshot(model)
    rows = []
    for name, whose in STRATEGIES:
        ds = make_dataset(name, data, cfg)
        shapes = [tuple(x.shape) for x, _ in ds]
        common.reset_model(model, states[name])
        _, metric = model.evaluate(test, verbose=0)
        timed_wall = wall[name][1:] or wall[name]
        timed_cpu = cpu[name][1:] or cpu[name]
        rows.append({
            "pipeline": data["name"],
            "strategy": name,
            "whose way": whose if name in (data["source_way"], "length buckets") else "-",
            "data": data["source"],
            "sequences": len(data["x"]),
            "batches": len(shapes),
            "max padded length": max(s[1] for s in shapes),
            "padded share": cu.text.dataset_padding_fraction(ds),
            "timesteps per epoch": int(sum(np.prod(s) for s in shapes)),
            "seconds per epoch": float(np.median(timed_wall)),
            "CPU seconds per epoch": float(np.median(timed_cpu)),
            "test metric": float(metric),
            "metric": "masked token accuracy" if data["per_token"] else "accuracy",
        })
    base = next(r for r in rows if r["strategy"] == "pad to longest")
    for r in rows:
        r["time vs pad to longest"] = r["seconds per epoch"] / base["seconds per epoch"]
        r["CPU vs pad to longest"] = r["CPU seconds per epoch"] / base["CPU seconds per epoch"]
        r["timesteps vs pad to longest"] = r["timesteps per epoch"] / base["timesteps per epoch"]
    return rows


COLUMNS = [
    "pipeline", "strategy", "whose way", "data", "sequences", "batches", "max padded length", "padded share",
    "timesteps per epoch", "timesteps vs pad to longest", "seconds per epoch", "time vs pad to longest",
    "CPU seconds per epoch", "CPU vs pad to longest", "metric", "test metric",
]


def main(argv: list[str] | None = None) -> int:
    args = common.parser(__doc__.splitlines()[0]).parse_args(argv)
    cfg = common.choose_sizes(SIZES, args)
    common.prepare(args.profile)
    print(f"padding waste: sizes {cfg['size_name']}: {cfg}")
    rows = measure(load_pos(cfg), cfg) + measure(load_news(cfg), cfg)
    common.write_table(
        "padding_waste",
        rows,
        args.out,
        title="Padding waste: pad to longest vs per batch vs length buckets",
        columns=COLUMNS,
        environment=common.environment_line(args.profile, cfg["size_name"]),
        description=(
            "Same data and same model (masking on) per pipeline; only the batching differs. "
            "*padded share*: padding positions / all positions over one epoch. The strategies take turns, "
            "one epoch each per round, from their own weights; *seconds per epoch* (wall) and *CPU seconds per "
            "epoch* (all threads of the process: less sensitive to other load) are medians over the rounds after "
            "the first (graph tracing). *test metric*: the same bucketed test set "
            f"for every strategy. Sizes: {', '.join(f'{k}={v}' for k, v in cfg.items() if k != 'size_name')}. "
            "In the quick profile the data are small subsets and timings are noisy on a shared machine: "
            "compare within a pipeline, not across runs."
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
