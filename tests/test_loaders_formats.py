"""Each format maps its fields onto Mention as documented; the registry finds formats by content."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graphsvc.errors import RecordError, UnknownFormat
from graphsvc.model import Mention
from loaders import FORMATS, LoadOptions, detect, read
from loaders.own_csv import parse_csv
from loaders.own_jsonl import parse_jsonl

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
SCHEMA = json.loads((Path(__file__).parents[1] / "schema" / "mention.schema.json").read_text())


def _mentions(path: Path) -> dict[str, Mention]:
    return {r.id: r for r in read(path) if isinstance(r, Mention)}


def _schema_errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """The subset of JSON Schema the mention schema uses, checked by hand (no jsonschema dependency)."""
    kinds = {"object": dict, "string": str, "array": list, "boolean": bool}
    errors: list[str] = []
    kind = schema.get("type")
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: not an integer"]
        if value < schema.get("minimum", value):
            errors.append(f"{where}: below minimum")
        return errors
    if kind and not isinstance(value, kinds[kind]):
        return [f"{where}: not a {kind}"]
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: does not match {schema['pattern']}")
        if schema.get("format") == "date-time":
            datetime.fromisoformat(value)
    if isinstance(value, dict):
        errors += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in value]
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            errors += [f"{where}: extra {k}" for k in value if k not in properties]
        for key, item in value.items():
            if key in properties:
                errors += _schema_errors(item, properties[key], f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += _schema_errors(item, schema["items"], f"{where}[{index}]")
    return errors


def test_loaders_formats_registry_names_every_format() -> None:
    assert set(FORMATS) == {"jsonl", "csv", "x-v2", "mastodon", "twcs", "airline", "follows"}
    assert all(loader.name == name for name, loader in FORMATS.items())


def test_loaders_formats_own_fixture_validates_against_schema() -> None:
    lines = (FIXTURES / "mentions_good.jsonl").read_text().splitlines()
    assert lines
    for line in lines:
        assert _schema_errors(json.loads(line), SCHEMA) == []


def test_loaders_formats_schema_rejects_what_the_loader_rejects() -> None:
    record = json.loads((FIXTURES / "mentions_good.jsonl").read_text().splitlines()[0])
    assert _schema_errors({**record, "create_at": "x"}, SCHEMA) == ["$: extra create_at"]
    assert _schema_errors({**record, "author": {"id": "x:1", "followers": "1k"}}, SCHEMA)
    assert _schema_errors({**record, "created_at": "2024-05-01T10:00:00"}, SCHEMA)
    assert _schema_errors({k: v for k, v in record.items() if k != "id"}, SCHEMA) == ["$: missing id"]


def test_loaders_formats_own_jsonl_qualifies_bare_ids_with_platform() -> None:
    line = '{"id": "9", "author": {"id": "4"}, "text": "hi @acme", "created_at": "2024-01-01T00:00:00+01:00"}'
    (mention,) = list(parse_jsonl(line, LoadOptions(platform="x")))
    assert isinstance(mention, Mention)
    assert (mention.id, mention.author.id, mention.mentions) == ("x:9", "x:4", ("acme",))
    assert mention.created_at == datetime(2023, 12, 31, 23, tzinfo=UTC)


def test_loaders_formats_own_csv_keeps_multiline_quoted_text() -> None:
    mentions = _mentions(FIXTURES / "mentions_bad.csv")
    reply = mentions["x:1803"]
    assert reply.text == "@joaop Lamentamos, João.\nEnviámos uma DM com os próximos passos."
    assert (reply.in_reply_to, reply.author_is_brand, reply.author.followers) == ("x:1801", True, 90000)
    assert mentions["x:1808"].text == '@AcmeAir "Flex" fare worth it?'


def test_loaders_formats_own_csv_minimal_header() -> None:
    text = "id,author_id,text,created_at\nx:1,x:2,hello,2024-01-01T00:00:00Z\n"
    (mention,) = list(parse_csv(text))
    assert isinstance(mention, Mention) and mention.author.id == "x:2"


def test_loaders_formats_twcs_maps_brands_replies_and_quirks() -> None:
    mentions = _mentions(FIXTURES / "twcs_bad.csv")
    brand_reply = mentions["twcs:101"]
    assert brand_reply.author_is_brand and brand_reply.author.brand == "acmeairhelp"
    assert brand_reply.in_reply_to == "twcs:102"  # "102.0" in the file
    assert brand_reply.created_at == datetime(2017, 11, 1, 9, 10, tzinfo=UTC)
    customer = mentions["twcs:102"]
    assert not customer.author_is_brand and customer.author.brand is None
    assert customer.text.endswith("no rebooking & no hotel")  # Twitter's &amp; undone
    assert mentions["twcs:103"].text == "@AcmeAirHelp \r\rwhere is my refund"  # bare CR kept, one row
    assert mentions["twcs:110"].in_reply_to == "twcs:55"  # parent outside the file: link kept


def test_loaders_formats_airline_names_brand_and_author_scheme() -> None:
    mention = _mentions(FIXTURES / "airline_bad.csv")["airline:569000000000000002"]
    assert (mention.brand, mention.author.id, mention.author.handle) == (
        "southwestair",
        "airline:@patk",
        "PatK",
    )
    assert mention.created_at == datetime(2015, 2, 20, 17, tzinfo=UTC)


def test_loaders_formats_x_v2_page_and_jsonl_pages_agree() -> None:
    page = _mentions(FIXTURES / "x_v2_page.json")
    pages = _mentions(FIXTURES / "x_v2_pages.jsonl")
    assert page.items() <= pages.items()
    reply = page["x:1790000000000001002"]
    assert reply.in_reply_to == "x:1790000000000001001"
    assert (reply.author.handle, reply.author.followers, reply.mentions) == ("AcmeAir", 98000, ("budi_s",))
    assert reply.text == "@budi_s We do! Fares from €49 & a free bag."
    assert pages["x:1790000000000001006"].in_reply_to == "x:1789999999999999999"


def test_loaders_formats_mastodon_html_ids_and_mentions() -> None:
    mentions = _mentions(FIXTURES / "mastodon_statuses.json")
    first = mentions["mastodon:mastodon.social/111"]
    assert first.text == (
        "Hey @acmeair any chance of a night train partnership?\n\nWould book it & tell friends."
    )
    assert first.mentions == ("acmeair@acme.example",)
    assert first.author.id == "mastodon:@lena@mastodon.social"
    remote = mentions["mastodon:mastodon.social/112"]
    assert remote.author.id == "mastodon:@tom@fosstodon.org"
    assert remote.in_reply_to == "mastodon:mastodon.social/111"
    assert remote.text == "Delayed again.\nThird time."
    assert remote.created_at == datetime(2024, 5, 4, 10, 1, tzinfo=UTC)


def test_loaders_formats_every_mention_time_is_aware_utc() -> None:
    for path in FIXTURES.iterdir():
        for record in read(path):
            if isinstance(record, Mention):
                assert record.created_at.utcoffset() is not None
                assert record.created_at.tzinfo is UTC


def test_loaders_formats_detect_ignores_extension(tmp_path: Path) -> None:
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((FIXTURES / "x_v2_page.json").read_bytes())
    assert detect(renamed) == "x-v2"


def test_loaders_formats_unknown_content_names_all_formats(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Dear diary,\ntoday I read a file.\nIt had three lines of prose.\n")
    with pytest.raises(UnknownFormat) as excinfo:
        detect(path)
    assert all(name in str(excinfo.value) for name in FORMATS)


def test_loaders_formats_read_rejects_unknown_format_name() -> None:
    with pytest.raises(UnknownFormat, match="known formats: jsonl"):
        read(FIXTURES / "mentions_good.jsonl", "yaml")


def test_loaders_formats_read_with_forced_wrong_format_reports_not_raises() -> None:
    records = list(read(FIXTURES / "mentions_good.jsonl", "twcs"))
    assert len(records) == 1 and isinstance(records[0], RecordError)
    assert "header lacks column(s)" in records[0].reason
