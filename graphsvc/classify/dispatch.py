r"""A big regex alternation rewritten so the engine tries only alternatives that can match where it is.

Python's ``re`` tries every alternative of an alternation at every position where the pattern may
start; with ~330 cue alternatives that was most of the classifier's time. :func:`dispatch_pattern`
rewrites the alternation into an equivalent one, in four steps:

1. spell out leading groups and boundaries (``(?:a|b)x`` → ``ax|bx``, ``\bhelp`` → ``help``
   not preceded by a word character), so most alternatives start with a plain character;
2. put the alternatives in one bucket per first character (the set of characters an alternative
   can start with comes from a small analysis of its syntax), keeping their order in each bucket;
3. within a bucket, write shared leading characters once, as in a trie (see :func:`_trie`);
4. end each alternative with an empty named group, so ``match.lastgroup`` says which one matched.

A bucket whose alternatives all start with its character compiles to that character first, which
the engine compares before it enters a branch, so a word costs about one comparison per bucket
plus the few alternatives that share its first letters. Two alternatives that need different
characters at the same place cannot both match there, so regrouping them never changes which
alternative matches first: each match is the same as with the plain alternation (tests compare
the two on every labeled text and on generated text). What the analysis does not understand, or
an alternative that could match the empty string, is tried at every position: a gap in the
analysis costs speed, never a different match.

>>> first_chars(r"(?:switch(?:ing)?|mov(?:e|ing))(?: \w+)? to @\w+") == frozenset("sm")
True
>>> sorted(first_chars(r"(?:three|\d+) times"))  # \d stays a class: digits of every script
['\\d', 't']
>>> split_alternatives(r"a(?:b|c)|d")
['a(?:b|c)', 'd']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Each item is one character or a class escape such as ``\d``; None stands for "any character".
Chars = frozenset[str] | None

_ZERO_WIDTH_ESCAPES = frozenset("bBAZ")
_CLASS_ESCAPES = frozenset("wWdDsS")


class _Unsupported(ValueError):
    """Syntax the analysis does not model; the caller falls back to "any character"."""


def _union(a: Chars, b: Chars) -> Chars:
    return None if a is None or b is None else a | b


class _Parser:
    """Recursive descent over a pattern computing (first characters, can match empty)."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def alternation(self) -> tuple[Chars, bool, list[tuple[int, int]]]:
        spans: list[tuple[int, int]] = []
        start = self.i
        chars, nullable = self.sequence()
        spans.append((start, self.i))
        while self.peek() == "|":
            self.i += 1
            start = self.i
            more, more_nullable = self.sequence()
            spans.append((start, self.i))
            chars, nullable = _union(chars, more), nullable or more_nullable
        return chars, nullable, spans

    def head(self) -> tuple[str, str]:
        """The first atom and its quantifier, as written."""
        start = self.i
        self.atom()
        end = self.i
        self.quantifier_allows_zero()
        return self.p[start:end], self.p[end : self.i]

    def sequence(self) -> tuple[Chars, bool]:
        chars: Chars = frozenset()
        nullable = True  # every atom so far can match empty
        while self.peek() not in ("", "|", ")"):
            atom, atom_nullable = self.atom()
            if self.quantifier_allows_zero():
                atom_nullable = True
            if nullable:
                chars = _union(chars, atom)
                nullable = atom_nullable
        return chars, nullable

    def quantifier_allows_zero(self) -> bool:
        c = self.peek()
        if c in ("?", "*"):
            zero = True
            self.i += 1
        elif c == "+":
            zero = False
            self.i += 1
        elif c == "{":
            close = self.p.find("}", self.i)
            body = self.p[self.i + 1 : close] if close > 0 else ""
            if not re.fullmatch(r"\d*(?:,\d*)?", body) or not body:
                raise _Unsupported(f"quantifier {{{body}}}")
            zero = int(body.split(",")[0] or 0) == 0
            self.i = close + 1
        else:
            return False
        if self.peek() in ("?", "+"):  # lazy or possessive: the same characters
            self.i += 1
        return zero

    def atom(self) -> tuple[Chars, bool]:
        c = self.peek()
        self.i += 1
        if c == "\\":
            e = self.peek()
            self.i += 1
            if e in _ZERO_WIDTH_ESCAPES:
                return frozenset(), True
            if e in _CLASS_ESCAPES:
                return frozenset({"\\" + e}), False
            if e.isalnum() or not e:
                raise _Unsupported(f"escape \\{e}")
            return frozenset(e), False
        if c == "[":
            return self.char_class(), False
        if c == "(":
            return self.group()
        if c == ".":
            return None, False
        if c in ("^", "$"):
            return frozenset(), True
        if c in ("*", "+", "?", "{"):
            raise _Unsupported(f"quantifier {c!r} without an atom")
        return frozenset(c), False

    def char_class(self) -> Chars:
        if self.peek() == "^":
            raise _Unsupported("negated class")
        out: set[str] = set()
        first = True
        while True:
            c = self.peek()
            if not c:
                raise _Unsupported("unterminated class")
            if c == "]" and not first:
                self.i += 1
                return frozenset(out)
            first = False
            self.i += 1
            if c == "\\":
                c = self.peek()
                self.i += 1
                if c in _CLASS_ESCAPES:
                    out.add("\\" + c)
                    continue
                if c.isalnum() or not c:
                    raise _Unsupported(f"escape \\{c} in a class")
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                end = self.peek(1)
                if end in ("\\", "["):
                    raise _Unsupported("escaped range end")
                self.i += 2
                out.update(chr(o) for o in range(ord(c), ord(end) + 1))
            else:
                out.add(c)

    def group(self) -> tuple[Chars, bool]:
        zero_width = False
        if self.peek() == "?":
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.p.startswith("?P<", self.i):
                self.i = self.p.index(">", self.i) + 1
            elif self.p.startswith(("?=", "?!"), self.i):
                self.i += 2
                zero_width = True
            elif self.p.startswith(("?<=", "?<!"), self.i):
                self.i += 3
                zero_width = True
            else:
                raise _Unsupported("group flags")
        chars, nullable, _ = self.alternation()
        if self.peek() != ")":
            raise _Unsupported("unbalanced group")
        self.i += 1
        # A lookaround only narrows where a match can start, so it adds no first characters.
        return (frozenset(), True) if zero_width else (chars, nullable)


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``."""
    parser = _Parser(pattern)
    try:
        _, _, spans = parser.alternation()
    except _Unsupported:
        return [pattern]
    if parser.i != len(pattern):
        return [pattern]
    return [pattern[a:b] for a, b in spans]


def first_chars(pattern: str) -> Chars:
    """Characters a non-empty match of ``pattern`` can start with; ``None`` when that is unknown."""
    parser = _Parser(pattern)
    try:
        chars, nullable, _ = parser.alternation()
    except (_Unsupported, ValueError, IndexError):
        return None
    if parser.i != len(pattern) or nullable:
        return None
    return chars


def _head(pattern: str) -> tuple[str, str, str] | None:
    """``(first atom, its quantifier, the rest)`` of a sequence, or None if it cannot be split."""
    parser = _Parser(pattern)
    if parser.peek() in ("", "|", ")"):
        return None
    try:
        atom, quantifier = parser.head()
    except (_Unsupported, ValueError, IndexError):
        return None
    return atom, quantifier, pattern[parser.i :]


def _literal(atom: str) -> str | None:
    """The character a one-character literal atom such as ``a`` or ``\\.`` stands for."""
    if len(atom) == 1 and atom not in "\\[](){}.^$|*+?":
        return atom
    if len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum():
        return atom[1]
    return None


def _expand(alternative: str, depth: int = 0) -> list[str]:
    """Equivalent alternatives, in trying order, that start with a plain character where possible.

    ``(?:a|b)x`` tries ``ax`` then ``bx``, and ``(?:a)?x`` tries ``ax`` then ``x``, so both are
    spelt out. ``\\bhelp`` is ``help`` not preceded by a word character: the boundary moves behind
    the first letters as a lookbehind.
    """
    head = _head(alternative)
    if head is None or depth > 8:
        return [alternative]
    atom, quantifier, rest = head
    if atom.startswith("(?:") and quantifier in ("", "?", "??"):
        inner = split_alternatives(atom[3:-1])
        if len(inner) > 1 or atom[3:-1] == inner[0]:
            options = [b + rest for b in inner]
            if quantifier == "?":
                options.append(rest)
            elif quantifier == "??":
                options.insert(0, rest)
            return [x for option in options for x in _expand(option, depth + 1)]
    if atom == "\\b" and not quantifier:
        run: list[str] = []
        tail = rest
        while (nxt := _head(tail)) is not None and not nxt[1] and _literal(nxt[0]) is not None:
            run.append(nxt[0])
            tail = nxt[2]
        if run:
            first = _literal(run[0]) or ""
            word = re.match(r"\w", first) is not None
            # A boundary before a word character means no word character before it, and vice versa.
            look = ("(?<!\\w" if word else "(?<=\\w") + "".join(run) + ")"
            return ["".join(run) + look + tail]
    return [alternative]


def _next_literal(pattern: str) -> tuple[str, str] | None:
    """``(character, rest)`` when ``pattern`` starts with a plain, unquantified character."""
    head = _head(pattern)
    if head is None or head[1]:
        return None
    c = _literal(head[0])
    return None if c is None else (c, head[2])


def _trie(items: Sequence[str]) -> str:
    """The alternation of ``items`` with shared leading characters written once, as in a trie.

    Python's ``re`` only factors a prefix out of an alternation when *every* alternative has it;
    here alternatives that agree on their next character share it even when others do not. Two
    alternatives with different next characters can never both match at one place, so grouping
    them keeps the trying order wherever it matters; an alternative that does not start with a
    plain character could match anywhere, so nothing is moved across it.
    """
    segments: list[str] = []
    i = 0
    while i < len(items):
        if _next_literal(items[i]) is None:
            segments.append(items[i])
            i += 1
            continue
        by_char: dict[str, list[str]] = {}
        while i < len(items) and (nxt := _next_literal(items[i])) is not None:
            by_char.setdefault(nxt[0], []).append(nxt[1])
            i += 1
        for c, rests in by_char.items():
            inner = _trie(rests)
            segments.append(re.escape(c) + (inner if len(rests) == 1 else f"(?:{inner})"))
    return "|".join(segments)


def _matches(item: str, c: str) -> bool:
    """Whether first-character item ``item`` (a character or a class escape like ``\\d``) admits ``c``."""
    return item == c if len(item) == 1 else re.fullmatch(item, c) is not None


def dispatch_pattern(
    named: Sequence[tuple[str, Sequence[str]]], guard: str = ""
) -> tuple[str, dict[str, str]]:
    """One pattern equivalent to ``guard(?:(?P<name>alt|alt…)|…)`` over ``named``, dispatched by first char.

    Returns the pattern text and a map from its group names to the given names. Each alternative
    ends in an empty group of its own, so ``match.lastgroup`` names the alternative that matched.
    ``guard`` is put in front unchanged, e.g. a lookbehind.
    """
    alts: list[tuple[str, str, str | None, Chars]] = []
    for name, patterns in named:
        for p in patterns:
            for a in split_alternatives(p):
                for e in _expand(a):
                    head = _head(e)
                    lead = _literal(head[0]) if head is not None and not head[1] else None
                    alts.append((name, e, lead, frozenset({lead}) if lead else first_chars(e)))
    items = {c for _, _, _, chars in alts if chars is not None for c in chars}
    known = sorted(c for c in items if len(c) == 1)
    classes = sorted(c for c in items if len(c) > 1)
    anywhere = any(chars is None for *_, chars in alts)
    groups: dict[str, str] = {}

    def marked(name: str, alternative: str) -> str:
        key = f"g{len(groups)}"
        groups[key] = name
        return f"{alternative}(?P<{key}>)"

    def admits(chars: Chars, c: str) -> bool:
        return chars is None or any(_matches(item, c) for item in chars)

    # Alternatives that all spell out the same first character compile to that character first,
    # which the engine compares before entering a branch: such a bucket costs one comparison where
    # the text starts with another letter. Buckets with other alternatives need a lookahead.
    plain: list[str] = []
    guarded: list[str] = []
    guarded_chars: list[str] = []
    for c in known:
        members = [(n, a, lead) for n, a, lead, chars in alts if admits(chars, c)]
        body = _trie([marked(n, a) for n, a, _ in members])
        if all(lead == c for *_, lead in members):
            plain.append(f"(?:{body})")
        else:
            guarded.append(f"(?={re.escape(c)})(?:{body})")
            guarded_chars.append(re.escape(c))
    rest = [(n, a) for n, a, _, chars in alts if chars is None or any(len(item) > 1 for item in chars)]
    if rest:
        exclude = "(?![" + "".join(re.escape(c) for c in known) + "])" if known else ""
        only = "" if anywhere else "(?=[" + "".join(classes) + "])"
        guarded.append(exclude + only + "(?:" + _trie([marked(n, a) for n, a in rest]) + ")")
    branches = plain
    if guarded:
        starts = "" if anywhere else "(?=[" + "".join(guarded_chars) + "".join(classes) + "])"
        branches = [*plain, starts + "(?:" + "|".join(guarded) + ")"]
    return guard + "(?:" + "|".join(branches) + ")", groups
