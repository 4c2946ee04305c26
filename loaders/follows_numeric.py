"""The fast path for edge lists of decimal ids (X, SNAP and most follower dumps): compiled kernels
read a block's ids as integers and number them in a hash table keyed by value, so an id becomes a
Python string once per file rather than once per edge.

A token qualifies when it is 1 to 18 ASCII digits without a leading zero (``007`` and ``7`` are
different ids, so ``007`` goes the general way and keeps its text).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from graphsvc.model import AccountIds

Int64Array = npt.NDArray[np.int64]

_EMPTY = 0  # a slot's stored code is code + 1, so 0 marks a free slot
_GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: spreads consecutive ids over the table


@numba.njit(cache=True, nogil=True)
def _decimal_tokens(data: Any, sep: int, out: Any) -> int:  # pragma: no cover - jit
    """Fill ``out`` with the block's tokens as integers; -1 when a token is not a plain decimal."""
    k = 0
    value = 0
    digits = 0
    leading_zero = False
    for i in range(data.shape[0] + 1):
        c = 10 if i == data.shape[0] else data[i]
        if c == sep or c == 10:
            if digits == 0 or digits > 18 or (leading_zero and digits > 1):
                return -1
            out[k] = value
            k += 1
            value = 0
            digits = 0
        elif 48 <= c <= 57:
            if digits == 0:
                leading_zero = c == 48
            value = value * 10 + (c - 48)
            digits += 1
        else:
            return -1
    return k


@numba.njit(cache=True, nogil=True)
def _slot(table: Any, value: int) -> Any:  # pragma: no cover - jit
    mask = table.shape[0] - 1
    k = np.int64((np.uint64(value) * np.uint64(_GOLDEN)) >> np.uint64(32)) & mask
    while table[k, 1] != _EMPTY and table[k, 0] != value:
        k = (k + 1) & mask
    return k


@numba.njit(cache=True, nogil=True)
def _number(table: Any, values: Any, base: int, codes: Any, new: Any) -> int:  # pragma: no cover - jit
    """Code each value (new ones from ``base`` on, listed in ``new``); returns how many were new."""
    fresh = 0
    for i in range(values.shape[0]):
        k = _slot(table, values[i])
        if table[k, 1] == _EMPTY:
            table[k, 0] = values[i]
            table[k, 1] = base + fresh + 1
            new[fresh] = values[i]
            fresh += 1
        codes[i] = table[k, 1] - 1
    return fresh


@numba.njit(cache=True, nogil=True)
def _recode(table: Any, values: Any, codes: Any) -> None:  # pragma: no cover - jit
    for i in range(values.shape[0]):
        table[_slot(table, values[i]), 1] = codes[i] + 1


@numba.njit(cache=True, nogil=True)
def _rehash(old: Any, size: int) -> Any:  # pragma: no cover - jit
    table = np.zeros((size, 2), dtype=np.int64)
    for i in range(old.shape[0]):
        if old[i, 1] != _EMPTY:
            k = _slot(table, old[i, 0])
            table[k, 0] = old[i, 0]
            table[k, 1] = old[i, 1]
    return table


class DecimalIds:
    """Numbers the decimal ids of one file into its :class:`AccountIds`."""

    def __init__(self, ids: AccountIds, prefix: str) -> None:
        self.ids = ids
        self.prefix = prefix
        self._table = np.zeros((1 << 16, 2), dtype=np.int64)
        self._count = 0

    def codes(self, block: bytes, separator: str, tokens: int) -> Int64Array | None:
        """The codes of the ``tokens`` ids of a clean ``block`` (one separator per line, checked by
        the caller), or None when one is not a plain decimal or a line is a self-follow."""
        values = np.empty(tokens, dtype=np.int64)
        if _decimal_tokens(np.frombuffer(block, dtype=np.uint8), ord(separator), values) != tokens:
            return None
        if (values[0::2] == values[1::2]).any():
            return None  # the careful path reports the self-follow
        while (self._count + tokens) * 2 > self._table.shape[0]:
            self._table = _rehash(self._table, self._table.shape[0] * 2)
        codes = np.empty(tokens, dtype=np.int64)
        new = np.empty(tokens, dtype=np.int64)
        base = len(self.ids)
        fresh = _number(self._table, values, base, codes, new)
        self._count += fresh
        if not fresh:
            return codes
        # one join and one split in C instead of a concatenation per id
        joined = ",".join(map(str, new[:fresh].tolist()))
        names = (self.prefix + joined.replace(",", "," + self.prefix)).split(",")
        if not self.ids.knows_any(names):
            self.ids.extend(names)
            return codes
        # Some were numbered by the general path (e.g. the careful first lines): use their codes.
        actual = self.ids.codes(names)
        _recode(self._table, new[:fresh], actual)
        return np.where(codes >= base, actual[np.maximum(codes - base, 0)], codes)
