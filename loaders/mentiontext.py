"""Text helpers for mentions: @handles in a post, and Mastodon's HTML turned into plain text.

>>> handles_in("@AppleSupport hi @ana, cc @AppleSupport me@mail.com")
('AppleSupport', 'ana')
>>> html_to_text("<p>Hi <a href='x'>@<span>ana</span></a> &amp; co</p><p>two<br>lines</p>")
'Hi @ana & co\\n\\ntwo\\nlines'
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["handles_in", "html_to_text"]

# A Twitter handle: not preceded by a word character (so e-mail addresses do not count).
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})", re.ASCII)


def handles_in(text: str) -> tuple[str, ...]:
    """The @handles in ``text`` without '@', in order of first appearance, each once."""
    return tuple(dict.fromkeys(_HANDLE.findall(text)))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Status HTML as plain text: tags dropped, entities decoded, ``<br>`` and paragraphs as newlines."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "".join(extractor.parts).strip()
