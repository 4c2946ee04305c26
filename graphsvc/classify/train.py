"""Train the classifier's linear model: ``python -m graphsvc.classify.train``.

Deterministic: the same ``data/train.jsonl`` gives the same ``weights.npz``. Steps: build the
vocabulary from features seen at least twice; fit a temperature on 5-fold out-of-fold scores (so the
confidence is calibrated on text the model did not see); fit the final weights on all of the data.
The eval set is never read here.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

from graphsvc.classify.context import Context
from graphsvc.classify.corpus import DATA_DIR, Example, load
from graphsvc.classify.features import analyse
from graphsvc.classify.linear import CLASSES, WEIGHTS, FloatArray, LinearModel

L2_GRID = (0.3, 1.0, 3.0, 10.0)
MIN_COUNT = 2
FOLDS = 5


def _fit(x: sparse.csr_matrix, y: np.ndarray, l2: float) -> tuple[FloatArray, FloatArray]:
    n, d = x.shape
    k = len(CLASSES)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        w = theta[: d * k].reshape(d, k)
        b = theta[d * k :]
        z = np.asarray(x @ w) + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        value = -(onehot * logp).sum() / n + 0.5 * l2 * (w * w).sum() / n
        g = (p - onehot) / n
        gw = np.asarray(x.T @ g) + l2 * w / n
        return float(value), np.concatenate([gw.ravel(), g.sum(axis=0)])

    res = optimize.minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    theta = res.x
    return theta[: d * k].reshape(d, k), theta[d * k :]


def _temperature(logits: FloatArray, y: np.ndarray) -> float:
    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    res = optimize.minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded")
    return float(res.x)


def features_of(examples: Sequence[Example]) -> list[list[str]]:
    return [analyse(ex.text, Context.from_mapping(ex.context), ex.lang or None).features for ex in examples]


def train(examples: Sequence[Example]) -> LinearModel:
    rows = features_of(examples)
    # The model learns what the text says; context escalations are the classifier's explicit rules.
    y = np.asarray([CLASSES.index(ex.base_label or ex.label) for ex in examples])
    counts = Counter(f for feats in rows for f in set(feats))
    vocab = tuple(sorted(f for f, c in counts.items() if c >= MIN_COUNT))
    empty = LinearModel(vocab, np.zeros((len(vocab), len(CLASSES))), np.zeros(len(CLASSES)))
    x = empty.matrix(rows)

    # Folds by head phrase: variants of one sentence in two folds would make the held-out score a lie.
    groups = sorted({ex.group or ex.id for ex in examples})
    fold_of = {g: i % FOLDS for i, g in enumerate(groups)}
    folds = np.asarray([fold_of[ex.group or ex.id] for ex in examples])
    best: tuple[float, float, FloatArray] | None = None
    for l2 in L2_GRID:
        oof = np.zeros((len(examples), len(CLASSES)))
        for k in range(FOLDS):
            held = folds == k
            w, b = _fit(x[~held], y[~held], l2)
            oof[held] = np.asarray(x[held] @ w) + b
        acc = float((oof.argmax(axis=1) == y).mean())
        print(f"l2={l2:g}: out-of-fold accuracy {acc:.3f}")
        if best is None or acc > best[0]:
            best = (acc, l2, oof)
    assert best is not None
    oof_acc, l2, oof = best
    temperature = _temperature(oof, y)
    w, b = _fit(x, y, l2)
    print(
        f"{len(examples)} examples, {len(vocab)} features, l2={l2:g}, out-of-fold accuracy {oof_acc:.3f}, temperature {temperature:.3f}"
    )
    # Stored as float32: rounding now keeps the in-memory model identical to the one loaded later.
    return LinearModel(vocab, w.astype(np.float32).astype(np.float64), b, temperature)


def main(argv: Sequence[str]) -> int:
    path = Path(argv[0]) if argv else DATA_DIR / "train.jsonl"
    model = train(load(path))
    model.save(WEIGHTS)
    print(f"wrote {WEIGHTS} (version {model.version})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
