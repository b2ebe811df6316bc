"""The source lessons' configurations against ours: same machine, same data, metric and wall time.

Three tasks, each trained twice in one run on the same split and subsets:

- ``imdb``: source 000's IMDB BiLSTM (num_words=1000, reviews padded and cut
  to their last 400 tokens, Embedding 300, BiLSTM(512), 3 epochs, batch 32)
  against ours (vocabulary of 10,000 from the training reviews, length
  buckets with masking, a small BiLSTM, early stopping on a validation split);
- ``pos``: source 004's tagger (vocabulary of 9,000 lower-cased words,
  everything padded to the longest sentence, one-hot labels, SpatialDropout,
  BiGRU(256), 50 epochs, batch 128, best epoch by validation loss) against
  ours (lesson 09: sparse labels, masking, length buckets, a smaller BiGRU,
  early stopping);
- ``sentences``: source 004's UCI sentence BiLSTM (tokenizer fitted on every
  sentence, pre-padding to 64, Embedding 64, BiLSTM(64) + Dense(64), 10
  epochs, batch 64, best epoch by validation loss) against ours (lesson 08:
  vocabulary from the training split only, masking, buckets, early stopping).

Both setups of a task are scored the same, correct way on the same held-out
test set (our split, made once: the source's leaking shuffle/take/skip split
is not reproduced, see lesson 08): accuracy, and for POS the masked token
accuracy (padding excluded by the *label*). The source's printed metric is
added where it differs (POS: accuracy over all padded positions). In the
quick profile both setups are scaled down alike (see SIZES): the ratios check
the machinery; the full profile runs the source's real sizes (slow: hours of CPU).

Writes ``build/benchmarks/source_vs_ours.md`` and ``.csv``.

    python benchmarks/source_vs_ours.py [--profile quick|full] [--smoke] [--tasks imdb pos sentences]
"""

from __future__ import annotations

import sys
from typing import Any

import common

TASKS = ("imdb", "pos", "sentences")

# Per size: the data sizes and, per task, the source's configuration and ours.
# The "full" source entries are the source lessons' own settings.
SIZES: dict[str, dict[str, Any]] = {
    "smoke": dict(
        imdb=dict(n_train=64, n_test=32,
                  source=dict(vocab=200, maxlen=40, embed=8, units=8, epochs=1, batch=32),
                  ours=dict(vocab=500, maxlen=40, embed=8, units=8, epochs=1, batch=32, patience=1)),
        pos=dict(n_train=64, n_test=32,
                 source=dict(vocab=9000, embed=8, units=8, epochs=1, batch=128),
                 ours=dict(embed=8, units=8, epochs=1, batch=32, lr=1e-2, patience=1)),
        sentences=dict(n_train=64, n_test=32,
                       source=dict(maxlen=64, embed=8, units=8, dense=8, epochs=1, batch=64),
                       ours=dict(maxlen=64, embed=8, units=8, dense=8, epochs=1, batch=64, patience=1)),
    ),
    "quick": dict(
        imdb=dict(n_train=320, n_test=160,
                  source=dict(vocab=1000, maxlen=200, embed=32, units=64, epochs=2, batch=32),
                  ours=dict(vocab=5000, maxlen=200, embed=16, units=16, epochs=3, batch=32, patience=1)),
        pos=dict(n_train=320, n_test=128,
                 source=dict(vocab=9000, embed=32, units=32, epochs=3, batch=128),
                 ours=dict(embed=32, units=32, epochs=3, batch=32, lr=1e-2, patience=1)),
        sentences=dict(n_train=640, n_test=320,
                       source=dict(maxlen=64, embed=32, units=32, dense=32, epochs=3, batch=64),
                       ours=dict(maxlen=64, embed=16, units=16, dense=16, epochs=3, batch=64, patience=1)),
    ),
    "full": dict(
        imdb=dict(n_train=3000, n_test=500,
                  source=dict(vocab=1000, maxlen=400, embed=300, units=512, epochs=3, batch=32),
                  ours=dict(vocab=10000, maxlen=400, embed=64, units=64, epochs=10, batch=32, patience=2)),
        pos=dict(n_train=None, n_test=None,
                 source=dict(vocab=9000, embed=128, units=256, epochs=50, batch=128),
                 ours=dict(embed=128, units=128, epochs=10, batch=32, lr=2e-3, patience=2)),
        sentences=dict(n_train=None, n_test=None,
                       source=dict(maxlen=64, embed=64, units=64, dense=64, epochs=10, batch=64),
                       ours=dict(maxlen=64, embed=64, units=64, dense=64, epochs=10, batch=64, patience=3)),
    ),
}


# ----------------------------------------------------------------------------- helpers


def _split_validation(n: int, fraction: float = 0.1) -> tuple[slice, slice]:
    """(train, validation) slices: the last ``fraction`` of the (already shuffled) training set validates."""
    n_val = max(1, int(round(n * fraction)))
    return slice(0, n - n_val), slice(n - n_val, n)


def _predict(model: Any, x: Any, batch: int = 128) -> Any:
    """Model outputs for ``x``, batch by batch, called directly (no ``predict`` graph to trace)."""
    import numpy as np
    from keras import ops

    return np.concatenate([ops.convert_to_numpy(model(x[i:i + batch], training=False)) for i in range(0, len(x), batch)])


def _binary_accuracy(model: Any, x: Any, y: Any) -> float:
    import numpy as np

    p = _predict(model, x).reshape(-1)
    return float(np.mean((p > 0.5).astype("int64") == np.asarray(y)))


def _restore_best(patience: int) -> Any:
    """Keep the weights of the epoch with the lowest validation loss (what the source's checkpoint reloads)."""
    import keras

    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)


def _ours_buckets(x: list[list[int]], y: Any, batch: int, shuffle: bool = True) -> Any:
    import course_utils as cu

    return cu.text.bucketed_dataset(x, y, batch, n_buckets=8, shuffle=shuffle, seed=0)


def _row(task: str, setup: str, config: str, fit: dict[str, Any], params: int, value: float, **extra: Any) -> dict[str, Any]:
    return {
        "task": task,
        "setup": setup,
        "config": config,
        "params": params,
        "epochs run": fit["epochs"],
        "train seconds": fit["seconds"],
        "train CPU seconds": fit["cpu_seconds"],
        "seconds per epoch": fit["per_epoch"],
        "metric value": value,
        **extra,
    }


# ----------------------------------------------------------------------------- IMDB (source 000)


def run_imdb(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    import keras
    import numpy as np
    from keras import layers

    import course_utils as cu

    ds = cu.data.load("imdb", max_train=sizes["n_train"], max_test=sizes["n_test"])
    train_tok = [cu.text.tokenize(t) for t in ds.train.texts]
    test_tok = [cu.text.tokenize(t) for t in ds.test.texts]
    y_train, y_test = np.asarray(ds.train.labels), np.asarray(ds.test.labels)
    rows = []

    # the source: num_words-style vocabulary, pad and truncate "pre" to maxlen, no mask, no validation
    s = sizes["source"]
    vocab = cu.text.Vocabulary.build(train_tok, max_size=s["vocab"])
    x_train = cu.text.pad(vocab.encode_many(train_tok), maxlen=s["maxlen"], padding="pre", truncating="pre")
    x_test = cu.text.pad(vocab.encode_many(test_tok), maxlen=s["maxlen"], padding="pre", truncating="pre")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(s["maxlen"],), dtype="int32"),
        layers.Embedding(s["vocab"], s["embed"]),
        layers.Bidirectional(layers.LSTM(s["units"])),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=False)
    fit = common.fit_timed(model, x_train, s["epochs"], y=y_train, batch_size=s["batch"], shuffle=True)
    acc = _binary_accuracy(model, x_test, y_test)
    rows.append(_row(
        "imdb", "source 000",
        f"vocab {s['vocab']}, pad/cut pre to {s['maxlen']}, Embedding {s['embed']}, BiLSTM({s['units']}), "
        f"{s['epochs']} epochs, batch {s['batch']}",
        fit, model.count_params(), acc, metric="test accuracy", data=ds.source,
    ))

    # ours: a bigger vocabulary, keep the last maxlen tokens, buckets + masking, early stopping
    o = sizes["ours"]
    vocab = cu.text.Vocabulary.build(train_tok, max_size=o["vocab"])
    ids_train = [ids[-o["maxlen"]:] or [vocab.oov_id] for ids in vocab.encode_many(train_tok)]
    ids_test = [ids[-o["maxlen"]:] or [vocab.oov_id] for ids in vocab.encode_many(test_tok)]
    tr, va = _split_validation(len(ids_train))
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = layers.Embedding(len(vocab), o["embed"], mask_zero=True)(inputs)
    h = layers.Bidirectional(layers.LSTM(o["units"]))(h)
    outputs = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, outputs)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=False)
    fit = common.fit_timed(
        model, _ours_buckets(ids_train[tr], y_train[tr], o["batch"]), o["epochs"],
        validation_data=_ours_buckets(ids_train[va], y_train[va], 128, shuffle=False),
        callbacks=[_restore_best(o["patience"])],
    )
    acc = _binary_accuracy(model, cu.text.pad(ids_test), y_test)
    rows.append(_row(
        "imdb", "ours",
        f"vocab {len(vocab)}, last {o['maxlen']} tokens, buckets + mask, Embedding {o['embed']}, "
        f"BiLSTM({o['units']}), <= {o['epochs']} epochs with early stopping, batch {o['batch']}",
        fit, model.count_params(), acc, metric="test accuracy", data=ds.source,
    ))
    return rows


# ----------------------------------------------------------------------------- POS tagging (source 004)


def run_pos(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    import keras
    import numpy as np
    from keras import layers

    import course_utils as cu

    ds = cu.data.load("treebank", test_fraction=1 / 3)  # the source held out a third
    n_train, n_test = sizes["n_train"], sizes["n_test"]
    train_w, train_t = ds.train.sentences[:n_train], ds.train.tags[:n_train]
    test_w, test_t = ds.test.sentences[:n_test], ds.test.tags[:n_test]
    longest = max(len(s) for s in ds.train.sentences + ds.test.sentences)  # 271 on the real treebank
    tags = cu.text.Vocabulary.build(train_t)
    y_train_ids, y_test_ids = tags.encode_many(train_t), tags.encode_many(test_t)
    tr, va = _split_validation(len(train_w))
    rows = []

    def masked_and_plain(model: Any, x_test: np.ndarray) -> tuple[float, float]:
        y = cu.text.pad(y_test_ids, maxlen=x_test.shape[1])
        pred = _predict(model, x_test).argmax(-1)
        real = y != 0
        return float(np.mean(pred[real] == y[real])), float(np.mean(pred == y))

    # the source: lower-cased words, vocabulary of 9000 fitted on every sentence (test included),
    # pad everything to the longest sentence, one-hot labels
    s = sizes["source"]
    lower = [[w.lower() for w in sent] for sent in train_w]
    lower_test = [[w.lower() for w in sent] for sent in test_w]
    vocab = cu.text.Vocabulary.build(lower + lower_test, max_size=s["vocab"])
    x_train = cu.text.pad(vocab.encode_many(lower), maxlen=longest)
    x_test = cu.text.pad(vocab.encode_many(lower_test), maxlen=longest)
    y_train = np.eye(len(tags), dtype="int32")[cu.text.pad(y_train_ids, maxlen=longest)]  # one-hot incl. PAD class
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(longest,), dtype="int32"),
        layers.Embedding(len(vocab), s["embed"]),
        layers.SpatialDropout1D(0.2),
        layers.Bidirectional(layers.GRU(s["units"], return_sequences=True)),
        layers.TimeDistributed(layers.Dense(len(tags))),
        layers.Activation("softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=False)
    fit = common.fit_timed(
        model, x_train[tr], s["epochs"], y=y_train[tr], batch_size=s["batch"],
        validation_data=(x_train[va], y_train[va]), callbacks=[_restore_best(s["epochs"])],
    )
    masked, plain = masked_and_plain(model, x_test)
    rows.append(_row(
        "pos", "source 004",
        f"vocab {len(vocab)} (lower-cased, fitted on all sentences), pad to {longest}, one-hot labels, Embedding {s['embed']}, "
        f"SpatialDropout 0.2, BiGRU({s['units']}), {s['epochs']} epochs (best by val_loss), batch {s['batch']}",
        fit, model.count_params(), masked, metric="masked token accuracy", data=ds.source,
        **{"source's printed metric": f"accuracy over all {longest} padded positions = {plain:.3f}"},
    ))

    # ours (lesson 09): words as they are (min_freq 2), sparse labels, buckets + mask, early stopping
    o = sizes["ours"]
    vocab = cu.text.Vocabulary.build(train_w, min_freq=2)
    x_ids, x_test_ids = vocab.encode_many(train_w), vocab.encode_many(test_w)
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = layers.Embedding(len(vocab), o["embed"], mask_zero=True)(inputs)
    h = layers.Bidirectional(layers.GRU(o["units"], return_sequences=True))(h)
    outputs = layers.Dense(len(tags), activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.Adam(o["lr"]), loss="sparse_categorical_crossentropy",
        metrics=[cu.metrics.MaskedAccuracy()], jit_compile=False,
    )
    fit = common.fit_timed(
        model, _ours_buckets(x_ids[tr], y_train_ids[tr], o["batch"]), o["epochs"],
        validation_data=_ours_buckets(x_ids[va], y_train_ids[va], 128, shuffle=False),
        callbacks=[_restore_best(o["patience"])],
    )
    masked, _ = masked_and_plain(model, cu.text.pad(x_test_ids))
    rows.append(_row(
        "pos", "ours",
        f"vocab {len(vocab)} (min_freq 2), sparse labels, buckets + mask, Embedding {o['embed']}, "
        f"BiGRU({o['units']}), <= {o['epochs']} epochs with early stopping, batch {o['batch']}",
        fit, model.count_params(), masked, metric="masked token accuracy", data=ds.source,
    ))
    return rows


# ----------------------------------------------------------------------------- UCI sentences (source 004)


def run_sentences(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    import keras
    import numpy as np
    from keras import layers

    import course_utils as cu

    ds = cu.data.load("uci_sentences", test_fraction=1 / 3, max_train=sizes["n_train"], max_test=sizes["n_test"])
    train_tok = [cu.text.tokenize(t, punctuation=False) or ["<empty>"] for t in ds.train.texts]
    test_tok = [cu.text.tokenize(t, punctuation=False) or ["<empty>"] for t in ds.test.texts]
    y_train, y_test = np.asarray(ds.train.labels), np.asarray(ds.test.labels)
    tr, va = _split_validation(len(train_tok))
    rows = []

    # the source: tokenizer fitted on every sentence (test included), pad and cut "pre" to 64
    s = sizes["source"]
    vocab = cu.text.Vocabulary.build(train_tok + test_tok)
    x_train = cu.text.pad(vocab.encode_many(train_tok), maxlen=s["maxlen"], padding="pre", truncating="pre")
    x_test = cu.text.pad(vocab.encode_many(test_tok), maxlen=s["maxlen"], padding="pre", truncating="pre")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input(shape=(s["maxlen"],), dtype="int32"),
        layers.Embedding(len(vocab), s["embed"]),
        layers.Bidirectional(layers.LSTM(s["units"])),
        layers.Dense(s["dense"], activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=False)
    fit = common.fit_timed(
        model, x_train[tr], s["epochs"], y=y_train[tr], batch_size=s["batch"],
        validation_data=(x_train[va], y_train[va]), callbacks=[_restore_best(s["epochs"])],
    )
    acc = _binary_accuracy(model, x_test, y_test)
    rows.append(_row(
        "sentences", "source 004",
        f"vocab {len(vocab)} (fitted on all sentences), pad/cut pre to {s['maxlen']}, Embedding {s['embed']}, "
        f"BiLSTM({s['units']}) + Dense({s['dense']}), {s['epochs']} epochs (best by val_loss), batch {s['batch']}",
        fit, model.count_params(), acc, metric="test accuracy", data=ds.source,
        **{"source's printed metric": "0.991 on its leaking split (not reproduced here: lesson 08 does)"},
    ))

    # ours (lesson 08): vocabulary from the training split only, buckets + mask, early stopping
    o = sizes["ours"]
    vocab = cu.text.Vocabulary.build(train_tok[tr])
    ids_train = [ids[: o["maxlen"]] for ids in vocab.encode_many(train_tok)]
    ids_test = [ids[: o["maxlen"]] for ids in vocab.encode_many(test_tok)]
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(None,), dtype="int32")
    h = layers.Embedding(len(vocab), o["embed"], mask_zero=True)(inputs)
    h = layers.Bidirectional(layers.LSTM(o["units"]))(h)
    h = layers.Dense(o["dense"], activation="relu")(h)
    outputs = layers.Dense(1, activation="sigmoid")(h)
    model = keras.Model(inputs, outputs)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"], jit_compile=False)
    fit = common.fit_timed(
        model, _ours_buckets(ids_train[tr], y_train[tr], o["batch"]), o["epochs"],
        validation_data=_ours_buckets(ids_train[va], y_train[va], 128, shuffle=False),
        callbacks=[_restore_best(o["patience"])],
    )
    acc = _binary_accuracy(model, cu.text.pad(ids_test), y_test)
    rows.append(_row(
        "sentences", "ours",
        f"vocab {len(vocab)} (training split only), first {o['maxlen']} tokens, buckets + mask, "
        f"Embedding {o['embed']}, BiLSTM({o['units']}) + Dense({o['dense']}), <= {o['epochs']} epochs "
        f"with early stopping, batch {o['batch']}",
        fit, model.count_params(), acc, metric="test accuracy", data=ds.source,
    ))
    return rows


RUNNERS = {"imdb": run_imdb, "pos": run_pos, "sentences": run_sentences}


def compare(rows: list[dict[str, Any]], sizes: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per task: both setups side by side, with ratios."""
    out = []
    for task in dict.fromkeys(r["task"] for r in rows):
        src = next(r for r in rows if r["task"] == task and r["setup"] != "ours")
        ours = next(r for r in rows if r["task"] == task and r["setup"] == "ours")
        out.append({
            "task": task,
            "source lesson": src["setup"].split()[-1],
            "data": src["data"],
            "n train": sizes[task]["n_train"] or "all",
            "n test": sizes[task]["n_test"] or "all",
            "metric": src["metric"],
            "source metric": src["metric value"],
            "ours metric": ours["metric value"],
            "metric ratio (ours / source)": ours["metric value"] / src["metric value"] if src["metric value"] else None,
            "source train s": src["train seconds"],
            "ours train s": ours["train seconds"],
            "time ratio (source / ours)": src["train seconds"] / ours["train seconds"],
            "source train CPU s": src["train CPU seconds"],
            "ours train CPU s": ours["train CPU seconds"],
            "CPU ratio (source / ours)": src["train CPU seconds"] / ours["train CPU seconds"],
            "source s/epoch": src["seconds per epoch"],
            "ours s/epoch": ours["seconds per epoch"],
            "epoch time ratio (source / ours)": src["seconds per epoch"] / ours["seconds per epoch"],
            "source epochs": src["epochs run"],
            "ours epochs": ours["epochs run"],
            "source params": src["params"],
            "ours params": ours["params"],
        })
    return out


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS), help="which tasks (default: all)")
    args = p.parse_args(argv)
    sizes = common.choose_sizes(SIZES, args)
    common.prepare(args.profile)
    rows: list[dict[str, Any]] = []
    for task in args.tasks:
        print(f"source vs ours: {task} ({sizes['size_name']} sizes)", flush=True)
        rows += RUNNERS[task](sizes[task])
    table = compare(rows, sizes)
    details = common.markdown_table(
        rows, ["task", "setup", "config", "data", "params", "epochs run", "train seconds", "train CPU seconds",
               "seconds per epoch",
               "metric", "metric value", "source's printed metric"],
    )
    common.write_table(
        "source_vs_ours",
        table,
        args.out,
        title="The source lessons' configurations vs ours (same machine, same data)",
        environment=common.environment_line(args.profile, sizes["size_name"]),
        description=(
            "Each task is trained twice in one run, on the same split (ours, made once; the source's leaking "
            "split is not reproduced) and scored the same, correct way on the same test set. "
            "*time ratio* > 1: ours trains faster (wall time of the whole fit, graph tracing included; ours may "
            "stop early); *CPU ratio*: the same with CPU time (all threads; less sensitive to other load on a "
            "shared machine); *epoch time ratio* compares one epoch (the first, with tracing, left out). "
            + ("Quick/smoke sizes scale both setups down alike (see benchmarks/source_vs_ours.py, SIZES): "
               "these ratios check the machinery; run `--profile full` for the real comparison."
               if sizes["size_name"] != "full" else "Full sizes: the source lessons' own settings.")
        ),
        extra_md="## Each setup\n\n" + details,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
