"""Lone surrogates: code points that JSON's ``\\ud800``-style escapes can make but UTF-8 cannot hold.

A str holds a surrogate pair as one astral character, so any surrogate in it stands alone; no
store or driver can encode one. The loaders replace them in free text and refuse records whose
ids hold one (:mod:`loaders.surrogates`); the stores refuse cursors that hold one.

>>> valid_text("bad \\ud800 here")
'bad \\ufffd here'
>>> has_lone_surrogate("x:\\ud83d"), has_lone_surrogate("x:\\U0001f600")
(True, False)
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(value: str) -> bool:
    return not value.isascii() and _SURROGATE.search(value) is not None


def valid_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if has_lone_surrogate(text) else text
