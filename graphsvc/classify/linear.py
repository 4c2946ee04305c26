"""A multinomial logistic regression over named sparse features, stored as a small ``.npz``.

Scores are temperature-scaled so that the top probability is a calibrated confidence. The file is
written with fixed zip timestamps, so retraining on the same data rewrites the same bytes, and its
content hash is the classifier version.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse

from graphsvc.errors import ClassifierError
from graphsvc.model import CustomerType

WEIGHTS = Path(__file__).parent / "weights.npz"
CLASSES: tuple[CustomerType, ...] = tuple(CustomerType)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class LinearModel:
    """``softmax((x @ weights + bias) / temperature)`` with ``x`` a 0/1 vector over ``vocabulary``."""

    vocabulary: tuple[str, ...]
    weights: FloatArray  # (features, classes)
    bias: FloatArray  # (classes,)
    temperature: float = 1.0

    @cached_property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.vocabulary)}

    @cached_property
    def version(self) -> str:
        h = hashlib.sha256()
        h.update("\n".join(self.vocabulary).encode())
        h.update(np.ascontiguousarray(self.weights, dtype="<f8").tobytes())
        h.update(np.ascontiguousarray(self.bias, dtype="<f8").tobytes())
        h.update(repr(round(self.temperature, 6)).encode())
        return h.hexdigest()[:12]

    def columns(self, features: Sequence[str]) -> list[int]:
        """Known feature columns, each once (the model is trained on presence, not counts)."""
        get = self.index.get
        return list({i for i in map(get, features) if i is not None})

    @cached_property
    def class_weights(self) -> list[list[float]]:
        """Per class, the weight of each column as plain floats: explaining one item reads a few."""
        out: list[list[float]] = self.weights.T.tolist()
        return out

    def matrix(self, rows: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        return self.matrix_of_columns([self.columns(feats) for feats in rows])

    def matrix_of_columns(self, rows: Sequence[Sequence[int]]) -> sparse.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        for cols in rows:
            indices.extend(cols)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        return sparse.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(rows), len(self.vocabulary)),
        )

    def logits_of_columns(self, rows: Sequence[Sequence[int]]) -> FloatArray:
        """Scores straight from column lists; for a few rows this skips building a sparse matrix."""
        if len(rows) > 4:
            return self.logits(self.matrix_of_columns(rows))
        out: FloatArray = np.stack([self.weights[list(cols)].sum(axis=0) for cols in rows]) + self.bias
        return out

    def logits(self, x: sparse.csr_matrix) -> FloatArray:
        out: FloatArray = np.asarray(x @ self.weights) + self.bias
        return out

    def proba(self, logits: FloatArray) -> FloatArray:
        z = logits / self.temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: FloatArray = e / e.sum(axis=1, keepdims=True)
        return out

    def save(self, path: Path = WEIGHTS) -> None:
        arrays = {
            "vocabulary": np.asarray(self.vocabulary, dtype=np.str_),
            "weights": self.weights.astype("<f4"),
            "bias": self.bias.astype("<f8"),
            "temperature": np.asarray([self.temperature], dtype="<f8"),
            "classes": np.asarray([c.value for c in CLASSES], dtype=np.str_),
        }
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, arr in arrays.items():
                buf = io.BytesIO()
                np.lib.format.write_array(buf, arr, allow_pickle=False)
                # A fixed timestamp makes retraining reproducible byte for byte.
                zf.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buf.getvalue())

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> LinearModel:
        try:
            with np.load(path, allow_pickle=False) as npz:
                classes = tuple(str(c) for c in npz["classes"])
                if classes != tuple(c.value for c in CLASSES):
                    raise ClassifierError(
                        f"{path} was trained for classes {classes}; retrain with python -m graphsvc.classify.train"
                    )
                return cls(
                    vocabulary=tuple(str(v) for v in npz["vocabulary"]),
                    weights=npz["weights"].astype(np.float64),
                    bias=npz["bias"].astype(np.float64),
                    temperature=float(npz["temperature"][0]),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ClassifierError(
                f"cannot read classifier weights {path}: {exc}; retrain with python -m graphsvc.classify.train"
            ) from exc
