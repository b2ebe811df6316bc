import keras
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from course_utils import plots, settings  # noqa: E402
from course_utils.training import ComparisonTable, EpochTimer  # noqa: E402


def test_plot_history_from_fit(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    settings.reload()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(32, 3))
    timer = EpochTimer()
    hist = model.fit(x, (x[:, 0] > 0).astype("float32"), epochs=3, validation_split=0.25, verbose=0, callbacks=[timer])
    fig = plots.plot_history(hist, save_as="05 curves/x")
    assert len(fig.axes) == 2
    assert (tmp_path / "figures" / "05_curves_x.png").exists()
    assert len(timer.seconds) == 3 and timer.per_epoch > 0
    with pytest.raises(ValueError, match="not in the history"):
        plots.plot_history(hist, metrics=["bleu"])
    with pytest.raises(ValueError):
        plots.plot_history({})


def test_save_figure_noop_without_results_dir(monkeypatch):
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    settings.reload()
    fig = plots.plot_padding([[1, 2, 0], [3, 0, 0]])
    assert "50%" in fig.axes[0].get_title()
    assert plots.save_figure(fig, "x") is None


def test_confusion_attention_positional():
    fig = plots.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["a", "b", "c"])
    assert fig.axes[0].get_xlabel() == "predicted"
    fig = plots.plot_attention(np.full((5, 6), 1 / 6), ["a", "b", "c"], ["x", "y"])
    assert len(fig.axes[0].get_xticklabels()) == 3
    with pytest.raises(ValueError, match="smaller"):
        plots.plot_attention(np.ones((1, 1)), ["a", "b"], ["x"])


def test_comparison_table():
    t = ComparisonTable(sort_by="accuracy")
    t.add("LSTM", accuracy=np.float32(0.8), params=10)
    t.add("GRU", accuracy=0.9, params=8)
    t.add("LSTM", accuracy=0.7, params=10)  # replaces
    df = t.frame()
    assert list(df["model"]) == ["GRU", "LSTM"] and df.loc[1, "accuracy"] == pytest.approx(0.7)
    assert t.best()["model"] == "GRU"
    with pytest.raises(ValueError):
        t.add("x")
    bad = ComparisonTable(sort_by="bleu")
    bad.add("a", acc=1)
    with pytest.raises(ValueError, match="cannot sort"):
        bad.frame()


def test_predict_in_chunks_equals_one_call_for_ids_and_strings():
    import keras
    import numpy as np
    import pytest
    import tensorflow as tf

    from course_utils.training import predict_in_chunks

    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(20, 3)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    ids = np.random.default_rng(0).integers(0, 20, size=(23, 5))
    whole = np.asarray(model(ids))
    got = predict_in_chunks(model, ids, chunk=4)            # 6 chunks, the last one shorter
    assert got.shape == (23, 2)
    np.testing.assert_allclose(got, whole, atol=1e-6)

    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    texts = [f"word{i % 7} word{i % 3} other" for i in range(11)]
    vectorize.adapt(tf.constant(texts))
    text_in = keras.Input((), dtype="string")
    text_model = keras.Model(text_in, model(vectorize(text_in)))
    np.testing.assert_allclose(predict_in_chunks(text_model, texts, chunk=3),
                               np.asarray(text_model(tf.constant(texts))), atol=1e-6)
    with pytest.raises(ValueError, match="chunk"):
        predict_in_chunks(model, ids, chunk=0)


def test_binary_hits_one_entry_per_row():
    from course_utils.training import binary_hits

    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Activation("sigmoid")(inputs))   # P(positive) = sigmoid(x)
    x = np.array([[3.0], [-3.0], [2.0], [-1.0]], dtype="float32")
    hits = binary_hits(model, x, np.array([1, 0, 0, 1]))
    assert hits.tolist() == [1, 1, 0, 0] and hits.dtype == np.int8
    with pytest.raises(ValueError, match="4 probabilities for 3 labels"):
        binary_hits(model, x, [1, 0, 1])
