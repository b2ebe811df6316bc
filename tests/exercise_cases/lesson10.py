"""Answers for lesson 10's exercises: one right, and the plausible mistakes."""

import numpy as np


def temperature_probs(logits, temperature):
    logits = np.asarray(logits, dtype=float)
    if temperature < 1e-6:
        return (logits == logits.max(axis=-1, keepdims=True)).astype(float)
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=-1, keepdims=True)


def temperature_multiplies(logits, temperature):
    z = logits * temperature                                    # sharpening and flattening swapped
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)


def temperature_naive(logits, temperature):
    with np.errstate(all="ignore"):
        p = np.exp(logits / temperature) if temperature > 0 else np.exp(logits * np.inf)
        return p / p.sum(axis=-1, keepdims=True)               # overflows for a small T


def temperature_wrong_axis(logits, temperature):
    if temperature < 1e-6:
        return temperature_probs(logits, temperature)
    z = logits / temperature
    z = z - z.max(axis=0, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)    # normalised over the batch


def bits_per_char(logits, targets):
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    return float(-picked.mean() / np.log(2))


def bits_per_char_in_nats(logits, targets):
    return bits_per_char(logits, targets) * np.log(2)


def bits_per_char_no_softmax(logits, targets):
    picked = np.take_along_axis(logits, targets[..., None], axis=-1)
    return float(-picked.mean() / np.log(2))


def bits_per_char_summed(logits, targets):
    return bits_per_char(logits, targets) * targets.size


def bits_per_char_unstable(logits, targets):
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(p, targets[..., None], axis=-1)
        return float(-np.log2(picked).mean())


def greedy_generate(step_fn, first_id, state, steps):
    ids, out = np.array([first_id]), []
    for _ in range(steps):
        scores, state = step_fn(ids, state)
        ids = np.asarray(scores).argmax(axis=-1)
        out.append(int(ids[0]))
    return out


def greedy_includes_first(step_fn, first_id, state, steps):
    return [first_id] + greedy_generate(step_fn, first_id, state, steps)


def greedy_state_not_updated(step_fn, first_id, state, steps):
    ids, out = np.array([first_id]), []
    for _ in range(steps):
        scores, _ = step_fn(ids, state)                          # the new state is thrown away
        ids = np.asarray(scores).argmax(axis=-1)
        out.append(int(ids[0]))
    return out


def greedy_not_fed_back(step_fn, first_id, state, steps):
    out = []
    for _ in range(steps):
        scores, state = step_fn(np.array([first_id]), state)    # always the first id as input
        out.append(int(np.asarray(scores).argmax()))
    return out


def greedy_one_short(step_fn, first_id, state, steps):
    return greedy_generate(step_fn, first_id, state, steps - 1)


CASES = {
    "10.1": (temperature_probs, [temperature_multiplies, temperature_naive, temperature_wrong_axis]),
    "10.2": (bits_per_char, [bits_per_char_in_nats, bits_per_char_no_softmax, bits_per_char_summed,
                             bits_per_char_unstable]),
    "10.3": (greedy_generate, [greedy_includes_first, greedy_state_not_updated, greedy_not_fed_back,
                               greedy_one_short]),
}


# -- 10.4: sampling from a Keras model -------------------------------------------------------------------
def _sampler(transform):
    def sample_ids(model, prompt_ids, n_new, temperature, seed):
        rng = np.random.default_rng(seed)
        ids = list(prompt_ids)
        for _ in range(n_new):
            logits = np.asarray(model(np.array([ids], dtype="int32"))[0, -1], dtype="float64")
            p = transform(logits, temperature)
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
        return ids[len(prompt_ids):]
    return sample_ids


def _softmax(z):
    z = z - z.max()
    return np.exp(z) / np.exp(z).sum()


def sample_ids(model, prompt_ids, n_new, temperature, seed):
    return _sampler(lambda z, t: _softmax(z / t))(model, prompt_ids, n_new, temperature, seed)


def sample_divides_probabilities(model, prompt_ids, n_new, temperature, seed):
    return _sampler(lambda z, t: _softmax(z) / t)(model, prompt_ids, n_new, temperature, seed)


def sample_power_t(model, prompt_ids, n_new, temperature, seed):
    return _sampler(lambda z, t: _softmax(z) ** t)(model, prompt_ids, n_new, temperature, seed)


def sample_first_position(model, prompt_ids, n_new, temperature, seed):
    rng = np.random.default_rng(seed)
    ids = list(prompt_ids)
    for _ in range(n_new):
        logits = np.asarray(model(np.array([ids], dtype="int32"))[0, 0], dtype="float64")   # the FIRST position
        ids.append(int(rng.choice(len(logits), p=_softmax(logits / temperature))))
    return ids[len(prompt_ids):]


def sample_unseeded(model, prompt_ids, n_new, temperature, seed):
    return _sampler(lambda z, t: _softmax(z / t))(model, prompt_ids, n_new, temperature, None)


CASES["10.4"] = (sample_ids, [sample_divides_probabilities, sample_power_t, sample_first_position,
                              sample_unseeded])
