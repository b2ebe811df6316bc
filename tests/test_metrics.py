import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.metrics import f1_score

from course_utils.metrics import (
    MaskedAccuracy,
    MaskedSparseCategoricalCrossentropy,
    flatten_unpadded,
    masked_accuracy_numpy,
    masked_sparse_categorical_crossentropy,
    macro_f1,
    macro_f1_metric,
    per_class_accuracy,
)


def _batch(seed=0, batch=6, time=7, classes=5):
    rng = np.random.default_rng(seed)
    y = rng.integers(1, classes, size=(batch, time))
    lengths = rng.integers(0, time + 1, size=batch)
    lengths[0] = 0  # an all-padding row
    for i, n in enumerate(lengths):
        y[i, n:] = 0
    logits = rng.normal(size=(batch, time, classes)).astype("float32")
    return y, logits


def _numpy_masked_cce(y, probs):
    keep = y != 0
    p = probs[np.arange(y.shape[0])[:, None], np.arange(y.shape[1])[None, :], y]
    return float(-np.log(p)[keep].mean())


def test_masked_accuracy_matches_numpy_over_batches():
    metric = MaskedAccuracy()
    ys, preds = [], []
    for seed in range(3):
        y, logits = _batch(seed)
        metric.update_state(y, logits)
        ys.append(y)
        preds.append(logits.argmax(-1))
    hits = sum(((y == p) & (y != 0)).sum() for y, p in zip(ys, preds))
    total = sum((y != 0).sum() for y in ys)
    assert float(metric.result()) == pytest.approx(hits / total)
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_masked_accuracy_ignores_padding_even_when_predicted_pad():
    # every padded position predicted as class 0 would inflate an unmasked accuracy
    y = np.array([[2, 3, 0, 0]])
    scores = np.eye(4)[[[2, 1, 0, 0]]].astype("float32")
    m = MaskedAccuracy()
    m.update_state(y, scores)
    assert float(m.result()) == pytest.approx(0.5)
    assert masked_accuracy_numpy(y, scores) == pytest.approx(0.5)


def test_all_padding_batch_gives_zero_not_nan():
    y = np.zeros((2, 3), dtype=int)
    logits = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    m = MaskedAccuracy()
    m.update_state(y, logits)
    assert float(m.result()) == 0.0
    assert float(masked_sparse_categorical_crossentropy(y, logits, from_logits=True)) == 0.0
    assert np.isnan(masked_accuracy_numpy(y, logits))


@pytest.mark.parametrize("from_logits", [True, False])
def test_masked_loss_matches_numpy(from_logits):
    y, logits = _batch(1)
    probs = tf.nn.softmax(logits).numpy()
    got = masked_sparse_categorical_crossentropy(y, logits if from_logits else probs, from_logits=from_logits)
    assert float(got) == pytest.approx(_numpy_masked_cce(y, probs), rel=1e-5)
    obj = MaskedSparseCategoricalCrossentropy(from_logits=from_logits)
    assert float(obj(y, logits if from_logits else probs)) == pytest.approx(float(got), rel=1e-6)


def test_custom_pad_id():
    y = np.array([[1, 2, -1]])
    scores = np.eye(3)[[[1, 0, 0]]].astype("float32")
    assert masked_accuracy_numpy(y, scores, pad_id=-1) == 0.5
    m = MaskedAccuracy(pad_id=-1)
    m.update_state(y, scores)
    assert float(m.result()) == 0.5


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="do not fit"):
        MaskedAccuracy().update_state(np.zeros((2, 3, 4, 5)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shapes differ"):
        masked_accuracy_numpy(np.zeros((2, 3)), np.zeros((2, 4)))


def _tagger(classes=5):
    inp = keras.Input((None,), dtype="int32")
    h = keras.layers.Embedding(30, 8, mask_zero=True)(inp)
    h = keras.layers.GRU(8, return_sequences=True)(h)
    return keras.Model(inp, keras.layers.Dense(classes, activation="softmax")(h))


@pytest.mark.parametrize("loss", [masked_sparse_categorical_crossentropy, MaskedSparseCategoricalCrossentropy()])
def test_compile_fit_evaluate_agree_with_numpy(loss):
    keras.utils.set_random_seed(0)
    y, _ = _batch(2, batch=16, time=9)
    x = np.where(y > 0, np.random.default_rng(0).integers(1, 30, size=y.shape), 0)
    model = _tagger()
    model.compile("adam", loss=loss, metrics=[MaskedAccuracy()])
    model.fit(x, y, epochs=1, verbose=0)
    res = model.evaluate(x, y, verbose=0, return_dict=True, batch_size=16)
    probs = model.predict(x, verbose=0, batch_size=16)
    assert res["masked_accuracy"] == pytest.approx(masked_accuracy_numpy(y, probs), abs=1e-6)
    assert res["loss"] == pytest.approx(_numpy_masked_cce(y, probs), rel=1e-4)


def test_custom_training_loop_and_save_round_trip(tmp_path):
    keras.utils.set_random_seed(1)
    y, _ = _batch(3, batch=8, time=6)
    x = np.where(y > 0, 3, 0)
    model = _tagger()
    opt = keras.optimizers.Adam(0.05)
    losses = []
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = masked_sparse_categorical_crossentropy(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    model.compile("adam", loss=MaskedSparseCategoricalCrossentropy(), metrics=[MaskedAccuracy(pad_id=0)])
    path = tmp_path / "tagger.keras"
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_per_class_accuracy_and_flatten():
    y = np.array([[1, 1, 2, 0], [2, 3, 0, 0]])
    p = np.array([[1, 2, 2, 1], [2, 1, 3, 3]])
    t, q = flatten_unpadded(y, p)
    assert t.tolist() == [1, 1, 2, 2, 3] and q.tolist() == [1, 2, 2, 2, 1]
    df = per_class_accuracy(y, p, ["<pad>", "A", "B", "C"], ignore=[0])
    row = df.set_index("label")
    assert row.loc["B", "accuracy"] == 1.0 and row.loc["A", "accuracy"] == 0.5 and row.loc["C", "accuracy"] == 0.0
    assert "<pad>" not in row.index
    with pytest.raises(ValueError, match="label ids"):
        per_class_accuracy([5], [5], ["a"])


@pytest.mark.parametrize("seed", range(5))
def test_macro_f1_equals_sklearn(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 14))
    y = rng.choice(k, size=300, p=np.r_[0.5, np.full(k - 1, 0.5 / (k - 1))])
    p = np.where(rng.random(300) < 0.4, y, rng.integers(0, k - 1, size=300))   # class k-1 rarely predicted
    want = f1_score(y, p, average="macro", labels=np.arange(k), zero_division=0)
    assert macro_f1(y, p, k) == pytest.approx(want)
    assert macro_f1_metric(k)(y, p) == pytest.approx(want)


def test_macro_f1_edge_cases():
    assert macro_f1([0, 1, 1], [0, 1, 1], 2) == 1.0
    assert macro_f1([0, 0], [0, 0], 3) == pytest.approx(1 / 3)   # classes 1 and 2 never occur: they count 0
    with pytest.raises(ValueError, match="labels"):
        macro_f1([0, 3], [0, 1], 2)
    with pytest.raises(ValueError, match="predictions"):
        macro_f1([0, 1], [0], 2)
