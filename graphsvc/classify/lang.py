"""Fast language identification for short social text, with no model download.

Latin-script languages are told apart by function words (and a few letters such as ``ã`` and ``ñ``);
other scripts by their Unicode block. Returns an ISO 639-1 code, or ``"und"`` when nothing decides.

>>> detect("mi pedido no llega y nadie me responde")
'es'
>>> detect("paket saya belum sampai, tolong dicek ya min")
'id'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graphsvc.classify.text import fold, tokens

# Function words, folded (no accents). Words shared by languages count for each of them.
_STOPWORDS: dict[str, str] = {
    "en": "the and to is my i you it of for in on this that with have was not but your me just so are be at "
    "what can do get been again why how still they we our after from would could please thanks any there "
    "it's i'm don't out about will an been has had no did when who never ever you've i've doesn't can't won't all one by or if as up more than like now here only "
    "first next new time every thing everything starting month year find clearly",
    "es": "el la los las de que y en un una por con para es mi me se no lo del al pero muy ya mas todo esta "
    "como nos les su hay yo tengo sin hoy otra vez nada cuando porque gracias quiero pueden hola desde "
    "tiene son fue ni nunca solo tambien donde hacen voy estoy esto aqui ahora despues "
    "o le dice cualquier nuevo proximo llevo tiempo primera mismo hasta algo cuanto dos datos puedo jaja",
    "pt": "o a os as de que e em um uma por com para pra meu minha se nao do da dos das no na mas muito ja "
    "tudo esta como voces voce seu sua tem eu sem hoje outra vez nada quando porque obrigado obrigada "
    "quero podem oi desde sao foi nem nunca so tambem onde vou estou to ta isso aqui ainda mais agora depois "
    "novo proximo registra cansei pelo pela ao nos vai tchau posso quanto duas dados podia tivesse kkkk kkk "
    "fecha deixa",
    "id": "yang dan di ke dari ini itu saya aku kamu tidak nggak gak ga udah sudah belum bisa mau ada dengan "
    "untuk buat sama lagi juga kalau kalo apa gimana min dong deh banget aja sih kok tapi jadi karena masih "
    "harus akan bakal pakai kami kita mereka baru tolong mohon terima kasih makasih wkwk hari bulan nya "
    "kenapa gue lo banyak setelah tiap pas lebih daripada dalam menit tahun "
    "turun naik bayar",
    "fr": "le les des et est je pas pour une avec mon sur c'est qui dans ce ne vous mais tres ma au du",
    "de": "der die das und ist ich nicht mit ein eine zu auf den mich mein sie wir auch noch bitte",
    "it": "il di che per non sono mi con ho ma della questo gli anche molto grazie perche sempre",
}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _w in _words.split():
        _WORD_LANGS[_w] = (*_WORD_LANGS.get(_w, ()), _lang)

# Word endings that lean towards one language, weaker evidence than a function word.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ing", "en"),
    ("tion", "en"),
    ("cion", "es"),
    ("ciones", "es"),
    ("cao", "pt"),
    ("coes", "pt"),
    ("kan", "id"),
    ("nya", "id"),
    ("lah", "id"),
    ("inho", "pt"),
    ("inha", "pt"),
)
_SUFFIX_LANG = dict(_SUFFIXES)
_LETTER_HINTS = {"ã": "pt", "õ": "pt", "ç": "pt", "ê": "pt", "ñ": "es", "¿": "es", "¡": "es", "ß": "de"}
# (first, last, code) for scripts that name their language well enough for routing.
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0400, 0x04FF, "ru"),
    (0x0E00, 0x0E7F, "th"),
    (0x3040, 0x30FF, "ja"),
    (0xAC00, 0xD7AF, "ko"),
    (0x4E00, 0x9FFF, "zh"),
    (0x0590, 0x05FF, "he"),
    (0x0370, 0x03FF, "el"),
)


def normalize(code: str) -> str:
    """``"pt-BR"`` → ``"pt"``; the classifier keys everything on the primary subtag."""
    return code.strip().replace("_", "-").split("-", 1)[0].lower() or "und"


_NON_LATIN = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b, _ in _SCRIPTS) + "]")


def _script(text: str) -> str | None:
    if not _NON_LATIN.search(text):
        return None  # the common case: emoji and accents are not another script
    counts: dict[str, int] = {}
    latin = 0
    for ch in text:
        o = ord(ch)
        if o < 0x250:
            latin += ch.isalpha()
            continue
        for first, last, code in _SCRIPTS:
            if first <= o <= last:
                counts[code] = counts.get(code, 0) + 1
                break
    if counts:
        code, n = max(counts.items(), key=lambda kv: kv[1])
        if n > latin:
            return code
    return None


_Votes = tuple[tuple[str, float], ...]
_MEMO: dict[str, _Votes] = {}
_MEMO_MAX = 100_000  # bounded: adversarial input must not grow memory without end


def token_votes(token: str) -> _Votes:
    """What one token says about the language: a function word, else a telling suffix, else nothing."""
    langs = _WORD_LANGS.get(token)
    if langs:
        share = 1.0 / len(langs)
        return tuple((lang, share) for lang in langs)
    if len(token) > 4:
        lang_ = _SUFFIX_LANG.get(token[-3:]) or _SUFFIX_LANG.get(token[-4:]) or _SUFFIX_LANG.get(token[-6:])
        return ((lang_, 0.4),) if lang_ else ()
    return ()


def _votes(token: str) -> _Votes:
    votes = token_votes(token)
    if len(_MEMO) < _MEMO_MAX:
        _MEMO[token] = votes
    return votes


def detect(text: str, toks: Sequence[str] | None = None) -> str:
    """The language of ``text``; pass ``toks`` when already tokenized to save the work."""
    scores: dict[str, float] = {}
    memo = _MEMO
    for t in toks if toks is not None else tokens(text):
        votes = memo.get(t)
        for lang, weight in _votes(t) if votes is None else votes:
            scores[lang] = scores.get(lang, 0.0) + weight
    return decide(text, scores)


def decide(text: str, scores: dict[str, float]) -> str:
    """The language from the script of ``text``, else from its tokens' summed votes (``scores``,
    added up in reading order) and its telling letters; ``scores`` may be updated."""
    if not text.isascii():
        script = _script(text)
        if script:
            return script
        lowered = text.lower()
        for ch, lang in _LETTER_HINTS.items():
            if ch in lowered:
                scores[lang] = scores.get(lang, 0.0) + 1.5
    if not scores:
        return "und"
    best = max(scores, key=scores.__getitem__)  # the first of equal scores, in insertion order
    return best if scores[best] >= 0.5 else "und"


def fold_text(text: str) -> str:
    """Exposed for callers that fold once and detect many times."""
    return fold(text)
