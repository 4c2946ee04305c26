from __future__ import annotations

from datetime import timedelta

from graphsvc.classify import Classifier, Context, Playbook, default_classifier
from graphsvc.classify.cues import find_cues
from graphsvc.classify.lang import detect
from graphsvc.model import CustomerType


def test_cues_negation_reverses_a_leaving_cue() -> None:
    cues = find_cues("I'm not switching to @att, just need help with my bill")
    assert cues[0].kind == "leave" and cues[0].negated


def test_cues_negation_stops_at_the_clause() -> None:
    cues = find_cues("pesanan belum sampai, mohon bantuannya")
    assert [c.negated for c in cues if c.kind == "help"] == [False]


def test_cues_multilingual_leaving() -> None:
    for text in (
        "me cambio a @otro mañana",
        "vou pra @outra amanhã",
        "pindah ke @lain aja",
        "switching to @other",
    ):
        assert any(c.kind == "leave" for c in find_cues(text)), text


def test_lang_detects_the_four_required_languages() -> None:
    assert detect("my order never arrived and nobody answers") == "en"
    assert detect("mi pedido no llega y nadie me responde") == "es"
    assert detect("meu pedido não chegou e ninguém responde") == "pt"
    assert detect("pesanan saya belum sampai dan tidak ada yang jawab") == "id"
    assert detect("😡") == "und"


def test_classifier_types_in_four_languages() -> None:
    c = default_classifier()
    assert c.classify("@Delta my bag didn't arrive on flight 88, can you help?").type is CustomerType.PASSIVE
    assert (
        c.classify("@Movistar CUARTA VEZ que escribo, cancelo todo y me paso a @Orange 😡").type
        is CustomerType.USED_TO_BE
    )
    assert (
        c.classify("@Nubank seria ótimo se o app tivesse modo escuro 💡").type is CustomerType.COLLABORATIVE
    )
    assert c.classify("berapa harga paket unlimited? mau beli buat dua nomor").type is CustomerType.FUTURE


def test_context_second_unanswered_complaint_escalates_passive() -> None:
    c = default_classifier()
    text = "@Delta my refund still hasn't arrived, could you check please?"
    assert c.classify(text).type is CustomerType.PASSIVE
    r = c.classify(text, Context(recent_unanswered_complaints=1))
    assert r.type is CustomerType.USED_TO_BE
    assert r.sla == timedelta(hours=1)
    assert any(cue.startswith("context:") for cue in r.cues)


def test_context_competitor_mention_is_a_cue() -> None:
    r = default_classifier().classify(
        "@Vivo tô pensando em ir pra @claro", Context(competitor_handles=("claro",))
    )
    assert 'competitor:"@claro"' in r.cues


def test_playbook_override_per_brand() -> None:
    base = default_classifier()
    fast = Playbook.default().with_overrides({"PASSIVE": {"sla_hours": 2}})
    c = Classifier(base.model, brand_playbooks={"delta": fast})
    text = "@Delta my bag didn't arrive on flight 88, can you help?"
    assert c.classify(text, Context(brand="delta")).sla == timedelta(hours=2)
    assert c.classify(text).sla == timedelta(hours=24)


def test_classifier_version_names_the_model() -> None:
    assert default_classifier().version == default_classifier().classify("hi").version
