"""Labelling stored interactions: context from the store, escalation, playbooks, reclassify."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graphsvc.config import Settings
from graphsvc.errors import ConfigError
from graphsvc.ingest import Ingestor
from graphsvc.labeling import ClassifierLabeler, configured_classifier, reclassify
from graphsvc.model import Account, Brand, CustomerType, Mention
from graphsvc.stores.base import Store

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ACME = Brand(key="acmehelp", name="Acme", handles=("x:AcmeHelp",))
ANA = Account(id="x:1", handle="ana")


def said(pid: str, minutes: int, text: str, **kw: object) -> Mention:
    fields: dict[str, object] = {"author": ANA, "text": text, "created_at": T0 + timedelta(minutes=minutes)}
    fields.update(kw)
    return Mention(id=pid, mentions=("AcmeHelp",), **fields)  # type: ignore[arg-type]


def test_labeling_second_unanswered_complaint_escalates(store: Store) -> None:
    ingestor = Ingestor(store, labeler=ClassifierLabeler(), brands=[ACME])
    ingestor.ingest([said("x:a", 0, "@AcmeHelp my order #5531 never arrived, could you check please?")])
    first = store.get_posts(["x:a"])["x:a"].classification
    assert first is not None and first.type is CustomerType.PASSIVE
    ingestor.ingest([said("x:b", 90, "@AcmeHelp still waiting on order #5531, can someone look at it?")])
    second = store.get_posts(["x:b"])["x:b"].classification
    assert second is not None and second.type is CustomerType.USED_TO_BE
    [state] = store.states_for(["x:1"])["x:1"]
    assert state.type is CustomerType.USED_TO_BE


def test_labeling_answered_complaint_does_not_escalate(store: Store) -> None:
    ingestor = Ingestor(store, labeler=ClassifierLabeler(), brands=[ACME])
    ingestor.ingest(
        [
            said("x:a", 0, "@AcmeHelp my order #5531 never arrived, could you check please?"),
            Mention(
                id="x:r",
                author=Account(id="x:AcmeHelp", handle="AcmeHelp"),
                text="@ana sorry! DM us the order number",
                created_at=T0 + timedelta(minutes=20),
                in_reply_to="x:a",
            ),
        ]
    )
    ingestor.ingest(
        [said("x:b", 90, "@AcmeHelp my other order #5532 never arrived either, could you check?")]
    )
    label = store.get_posts(["x:b"])["x:b"].classification
    assert label is not None and label.type is CustomerType.PASSIVE


def test_configured_classifier_applies_brand_playbook(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "playbook.json"
    path.write_text(
        json.dumps(
            {"default": {"FUTURE": {"sla_hours": 2}}, "brands": {"@AcmeHelp": {"PASSIVE": {"sla_hours": 8}}}}
        )
    )
    classifier = configured_classifier(Settings(playbook=str(path)))
    ingestor = Ingestor(store, labeler=ClassifierLabeler(classifier), brands=[ACME])
    ingestor.ingest(
        [
            said("x:a", 0, "@AcmeHelp my order #5531 never arrived, could you check please?"),
            said("x:f", 5, "@AcmeHelp thinking of upgrading to the premium plan, is it worth it?"),
        ]
    )
    posts = store.get_posts(["x:a", "x:f"])
    passive, future = posts["x:a"].classification, posts["x:f"].classification
    assert passive is not None and passive.sla == timedelta(hours=8)
    assert future is not None and future.type is CustomerType.FUTURE and future.sla == timedelta(hours=2)


def test_configured_classifier_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        configured_classifier(Settings(playbook=str(tmp_path / "missing.json")))
    bad = tmp_path / "bad.json"
    bad.write_text('{"brand": {}}')
    with pytest.raises(ConfigError, match="unknown keys"):
        configured_classifier(Settings(playbook=str(bad)))


def test_reclassify_skips_current_version_and_reports_new_changes(store: Store) -> None:
    Ingestor(store, labeler=None, brands=[ACME]).ingest(
        [
            said(
                "x:a", 0, "@AcmeHelp you guys are amazing, best service ever, recommending you to everyone!"
            ),
            said(
                "x:b", 60, "@AcmeHelp cancelling my account today, switching to a competitor. done with you"
            ),
        ]
    )
    labeler = ClassifierLabeler()
    report = reclassify(store, labeler)
    assert (report.seen, report.relabelled, report.changed_type) == (2, 2, 2)
    assert [c.to_type for c in report.state_changes] == [CustomerType.ADVOCATE, CustomerType.USED_TO_BE]
    again = reclassify(store, labeler)
    assert (again.relabelled, again.state_changes) == (0, ())
    forced = reclassify(store, labeler, force=True)
    assert (forced.relabelled, forced.changed_type, forced.state_changes) == (2, 0, ())
