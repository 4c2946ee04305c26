r"""Explicit, negation-aware cue rules in English, Spanish, Portuguese and Indonesian.

A cue is a named signal with the words that raised it, e.g. ``leave:"switching to @verizon"``. Cues
are features for the learned model *and* the explanation shown to a person. Patterns run over folded
text (lower case, no accents), so ``não vou cancelar`` and ``nao vou cancelar`` read the same. A cue
preceded by a negation (``I'm not cancelling``) is reported as ``leave(negated)`` and counts against
its kind instead of for it.

>>> [c.label for c in find_cues("@movistar me cambio a @vodafone mañana")]
['leave:"me cambio a @vodafone"']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphsvc.classify.dispatch import dispatch_pattern
from graphsvc.classify.lexicon import NEGATIONS
from graphsvc.classify.text import fold

# One alternation per kind; words are folded. Kept broad on purpose: the model weighs them.
_KINDS: dict[str, tuple[str, ...]] = {
    "leave": (
        r"(?:switch(?:ing|ed)?|mov(?:e|ing)|go(?:ing)?|port(?:ing)?)(?: \w+)? to @\w+",
        r"cancel+(?:ing|ed|led|ling)?(?: my| the)? (?:account|subscription|contract|card|plan|service|order|everything)",
        r"\bcancel+ing\b|\bi will cancel\b|\bi'?ll cancel\b|close (?:my|the) account|closing (?:my|the) account",
        r"never (?:again|flying|booking|buying|ordering|using)|i'?m (?:so )?done\b|done with|i'?m out\b",
        r"lost a (?:\w+ )?customer|take my (?:business|money) elsewhere|taking my (?:business|money)|goodbye @?\w+",
        r"(?:find|found|looking for) a new (?:bank|provider|carrier|airline)|leaving @?\w+",
        r"me (?:cambio|paso|voy) a @?\w+|me voy\b|nunca mas|dejo (?:a )?@?\w+|cancelo|cancelen|cierro (?:mi|la) cuenta",
        r"dar(?:me)? de baja|me llevo (?:todo|mi dinero)|perdieron un cliente|se acabo",
        r"vou (?:pra|para) (?:a |o )?@\w+|to saindo|vou embora|encerr\w+ (?:minha|a) conta|cancelem|fecho a conta",
        r"portar (?:meu|o) numero|perderam um cliente|vou levar (?:tudo|meu dinheiro)|vou cancelar|to fora|cansei",
        r"pindah ke @?\w+|berhenti (?:pakai|langganan|\w+)|tutup (?:akun|kartu)|kapok|putus (?:langganan|kontrak)",
        r"nggak (?:lagi-lagi|bakal \w+ (?:di )?@?\w+ lagi)|cabut|aku keluar|saya keluar|kehilangan pelanggan|tinggalin",
    ),
    "anger": (
        r"unacceptable|ridiculous|disgrace\w*|worst|a joke|ashamed|horrible|terrible|furious|pathetic",
        r"inaceptable|pesim[oa]|verguenza|harto|harta|indignante|una burla|un chiste",
        r"inaceitavel|pessim[oa]|vergonh\w+|absurdo|uma piada|ridicul\w+",
        r"parah|keterlaluan|muak|jelek|kelewatan|memalukan|lelucon|payah",
    ),
    "repeat": (
        r"(?:second|third|fourth|fifth|2nd|3rd|4th|5th) (?:time|message)|(?:three|four|five|\d+) (?:times|messages|calls)",
        r"still (?:no|not|waiting)|again and again|keep ignoring",
        r"(?:segunda|tercera|cuarta|quinta) vez|(?:tres|cuatro|cinco|\d+) (?:veces|mensajes|llamadas)|sigo esperando",
        r"(?:segunda|terceira|quarta|quinta) (?:vez|mensagem)|(?:tres|quatro|cinco|\d+) (?:vezes|mensagens|ligacoes)",
        r"(?:kedua|ketiga|keempat|kelima) kali\w*|(?:tiga|empat|lima|\d+) kali|pesan ke(?:tiga|empat|lima)",
    ),
    "help": (
        r"can (?:you|someone|anyone) (?:help|check|look)|could (?:you|someone) (?:help|check|look)|please (?:help|advise|check)",
        r"\bhelp\b|\bdm(?:'d)?\b|what should i do|how can i|what are my options|any update",
        r"me pueden ayudar|pueden (?:revisar|ayudar)|ayuda|como (?:lo hago|hago)|que debo hacer|por favor revis",
        r"podem (?:me ajudar|verificar|ver)|ajuda|como faco|o que eu faco|aguardo retorno",
        r"mohon (?:bantuan|dibantu|bantuannya)|tolong (?:dicek|dibantu|bantu)|bisa dicek|bantu\w*|harus gimana|caranya gimana",
    ),
    "problem": (
        r"(?:hasn'?t|haven'?t|didn'?t|never) (?:arrived|received|come|shown)|not (?:working|arrived|received)|doesn'?t work",
        r"charged twice|double charged|crash\w*|refund|cancel+ed|damaged|broken|no (?:signal|service|internet)|locked|declined",
        r"no (?:funciona|llega|llego|recibo|tengo (?:internet|servicio|senal))|cobraron|danad[oa]|rechazad[oa]|reembolso|bloquea\w+",
        r"nao (?:funciona|chegou|chega|recebi|liga|consigo)|cobrad[oa]|reembolso|danificad[oa]|recusad[oa]|bloquead[oa]|sem (?:sinal|internet|servico)",
        r"(?:nggak|tidak|gak|belum) (?:bisa|masuk|sampai|nyala|pernah masuk)|rusak|gangguan|refund|ke?potong|ditolak|keblokir|mati",
    ),
    "suggest": (
        r"would (?:be|love) (?:\w+ )?(?:great|nice|awesome|cool|lovely|handy|amazing|if)|it'?d be (?:so )?\w+ if|feature request",
        r"\bsuggestion\b|\bidea\b|please (?:add|bring back|consider)|you (?:should|could) (?:add|have|make)|what if|how about|what about|have you thought",
        r"seria (?:genial|bueno|buenisimo|util|increible)|estaria (?:bueno|buenisimo|genial)|sugerencia|deberian|agreguen|podrian|que tal (?:un|una|si)",
        r"seria (?:otimo|incrivel|bom|legal|muito bom)|sugestao|ideia|deviam|coloquem|podia(?:m)? |voces podiam|que tal|adoraria",
        r"\bsaran\b|\bide\b|tambahin|gimana kalau|bakal (?:keren|seru)|pengen (?:ada|bisa)|bisa bikin|pasti (?:berguna|membantu|asik)",
    ),
    "praise": (
        r"\bbest\b|\blove\b|amazing|awesome|incredible|excellent|fantastic|recommend\w*|thank(?:s| you)|shout ?out|kudos|10/10|hooked|favou?rite",
        r"recomiend\w+|(?:el|la|lo) mejor|me encanta|increible|excelente|gracias|buenisim[oa]|maravilla|soy fan|favorit[oa]",
        r"recomend\w+|(?:o|a) melhor|amei|adoro|incrivel|excelente|obrigad[oa]|valeu|maravilh\w+|virei fa|favorit[oa]",
        r"rekomen\w*|terbaik|makasih|terima kasih|mantap|suka banget|keren|enak banget|favorit\w*|ketagihan|the best",
    ),
    "purchase": (
        r"thinking (?:of|about) (?:buying|getting|upgrading|switching|signing)|planning to (?:buy|get)|want to buy|looking at",
        r"how much|price|do you (?:ship|deliver|have|offer)|discount|trial|worth it|preorder|pre-order|compare|vs\.?|which (?:one|of)",
        r"cuanto cuesta|precio|hacen (?:envios|entregas)|descuento|(?:periodo de )?prueba|vale la pena|quiero (?:comprar|el)|pienso (?:contratar|comprar)|preventa|meses sin intereses",
        r"quanto custa|preco|(?:voces )?entregam|desconto|(?:periodo de )?teste|vale a pena|quero (?:comprar|o)|penso em|pre-venda|parcel\w+|pensando em",
        r"berapa harga|bisa kirim|diskon|uji coba|worth it|mau beli|pengen beli|cicilan|pre-order|lagi mikir|mau (?:pasang|daftar)|dibanding",
    ),
    "news": (
        r"announces|reports|stock|shares|earnings|giveaway|\bwin\b|hiring|partners? with|partnership|opens|to open|ceo|quarter|documentary",
        r"anuncia|acciones|sorteo|abre|abrira|reporta|trimestre|alianza|busca analista|regalamos|documental|director general",
        r"anuncia|acoes|sorteio|abre|registra|trimestre|parceria|contrata|documentario|presidente",
        r"umumkan|saham|giveaway|buka (?:toko|gerai|lowongan)|kuartal|kerja ?sama|lowongan|dokumenter|bagi-bagi",
    ),
}
_NAMES = tuple(_KINDS)
# Matching only where a word starts is ~6x faster than trying every alternative at every character.
_WORD_START = r"(?<![\w@])"
# The rules as written: the reference the dispatched pattern below must agree with, match for match.
PLAIN = re.compile(
    _WORD_START + "(?:" + "|".join(f"(?P<{kind}>{'|'.join(alts)})" for kind, alts in _KINDS.items()) + ")"
)
# The same alternatives tried only where their first character is: about 2x faster (see dispatch.py).
_DISPATCHED_TEXT, GROUP_KIND = dispatch_pattern(list(_KINDS.items()), _WORD_START)
DISPATCHED = re.compile(_DISPATCHED_TEXT)
_WORD = re.compile(r"[\w']+")
_CLAUSE_END = re.compile(r"[,.;:!?]")
# "never again", "nunca más", "nggak lagi" are leaving cues themselves: only look *before* a match.
_NEGATION_WINDOW = 3


@dataclass(frozen=True, slots=True)
class Cue:
    """One rule hit: its kind, the words that raised it, and whether a negation reversed it."""

    kind: str
    text: str
    negated: bool = False

    @property
    def label(self) -> str:
        return f'{self.kind}{"(negated)" if self.negated else ""}:"{self.text}"'

    @property
    def feature(self) -> str:
        return f"cue:{'neg_' if self.negated else ''}{self.kind}"


def _negated(folded: str, start: int) -> bool:
    # A negation reaches no further back than the clause: "belum sampai, mohon bantuan" is not negated.
    clause = _CLAUSE_END.split(folded[max(0, start - 40) : start])[-1]
    before = _WORD.findall(clause)[-_NEGATION_WINDOW:]
    return not NEGATIONS.isdisjoint(before)


def find_cues(text: str, folded: str | None = None) -> list[Cue]:
    """Cues in reading order; pass ``folded`` (see :func:`graphsvc.classify.text.fold`) if you have it."""
    f = fold(text) if folded is None else folded
    out: list[Cue] = []
    for m in DISPATCHED.finditer(f):
        kind = GROUP_KIND[m.lastgroup or ""]
        out.append(Cue(kind, m.group().strip(), _negated(f, m.start())))
    return out


def kinds() -> tuple[str, ...]:
    return _NAMES
