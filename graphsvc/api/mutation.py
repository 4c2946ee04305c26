"""The Mutation root: ingest mentions and follow edges, mark posts responded. Roles writer, admin."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from graphsvc.api.context import Info
from graphsvc.api.fields import mutation
from graphsvc.api.ids import NodeKind, platform_id
from graphsvc.api.permissions import WRITE
from graphsvc.api.types import Post, StateChange
from graphsvc.errors import BadUserInput, NotFound
from graphsvc.model import Account, Mention, platform_of
from loaders.fields import FieldError
from loaders.surrogates import has_lone_surrogate, surrogate_reason, valid_mention

MAX_ITEMS = 5_000


@strawberry.input(description="One mention to ingest, as a loader would read it.")
class MentionInput:
    id: str = strawberry.field(description="The post's platform-qualified id, e.g. `x:1789`.")
    author_id: str = strawberry.field(description="The author's platform-qualified id, e.g. `x:42`.")
    text: str = strawberry.field(description="The post's text.")
    created_at: datetime = strawberry.field(description="When it was posted (ISO 8601 with offset).")
    author_handle: str | None = strawberry.field(default=None, description="The author's handle.")
    author_name: str | None = strawberry.field(default=None, description="The author's display name.")
    author_followers: int | None = strawberry.field(default=None, description="The author's follower count.")
    author_is_brand: bool = strawberry.field(
        default=False, description="True when a brand's account wrote it."
    )
    lang: str | None = strawberry.field(default=None, description="Its language (ISO 639-1), if known.")
    in_reply_to: str | None = strawberry.field(
        default=None, description="The platform id of the post it answers."
    )
    brand: str | None = strawberry.field(default=None, description="The brand the record names, if any.")
    mentions: list[str] = strawberry.field(
        default_factory=list, description="@handles it mentions, without '@'."
    )


@strawberry.input(description="One follow edge: `follower` follows `followee` (platform-qualified ids).")
class FollowInput:
    follower: str = strawberry.field(description="Who follows, e.g. `x:42`.")
    followee: str = strawberry.field(description="Whom they follow, e.g. `x:7` or a brand account.")


@strawberry.type(description="Why one input item was rejected.")
class ItemError:
    index: int = strawberry.field(description="The item's position in the input list, from 0.")
    id: str | None = strawberry.field(description="The item's id, when it had one.")
    code: str = strawberry.field(description="An error code, e.g. BAD_USER_INPUT.")
    message: str = strawberry.field(description="What was wrong and how to fix it.")


@strawberry.type(description="What `ingestMentions` did.")
class IngestResult:
    accepted: int = strawberry.field(description="Mentions stored (and classified).")
    rejected: int = strawberry.field(description="Mentions refused; see `errors`.")
    errors: list[ItemError] = strawberry.field(description="One entry per refused mention.")
    state_changes: list[StateChange] = strawberry.field(description="State changes these mentions caused.")


@strawberry.type(description="What `addFollows` did.")
class FollowResult:
    accepted: int = strawberry.field(description="Edges accepted (including ones already stored).")
    rejected: int = strawberry.field(description="Edges refused; see `errors`.")
    created: int = strawberry.field(description="Accepted edges that were new to the store.")
    errors: list[ItemError] = strawberry.field(description="One entry per refused edge.")


def _check_size(items: list[object], what: str) -> None:
    if len(items) > MAX_ITEMS:
        raise BadUserInput(f"{len(items)} {what} in one call; send at most {MAX_ITEMS} per call")


def _qualified(value: str, field: str) -> str | None:
    if has_lone_surrogate(value):  # a bad \u escape in the request body; the store cannot hold it
        return surrogate_reason(value, field)
    try:
        platform_of(value)
    except ValueError:
        return f"{field} {value!r} is not platform-qualified; write it as platform:id, e.g. x:42"
    return None


def to_mention(item: MentionInput) -> Mention:
    for value, name in ((item.id, "id"), (item.author_id, "authorId")):
        if problem := _qualified(value, name):
            raise BadUserInput(problem)
    if item.in_reply_to and (problem := _qualified(item.in_reply_to, "inReplyTo")):
        raise BadUserInput(problem)
    if not item.text.strip():
        raise BadUserInput("text is empty; a mention needs its text")
    mention = Mention(
        id=item.id,
        author=Account(
            id=item.author_id,
            handle=item.author_handle,
            name=item.author_name,
            followers=item.author_followers,
        ),
        text=item.text,
        created_at=item.created_at,
        lang=item.lang,
        in_reply_to=item.in_reply_to,
        brand=item.brand,
        mentions=tuple(m.lstrip("@") for m in item.mentions),
        author_is_brand=item.author_is_brand,
    )
    try:
        return valid_mention(mention)  # lone surrogates: replaced in text, refused in ids and handles
    except FieldError as exc:
        raise BadUserInput(str(exc)) from None


@strawberry.type(
    description="Write to the customer graph. Every field needs a key with role writer or admin."
)
class Mutation:
    @mutation(
        description="Store mentions, classify them and derive state changes. Bad items are reported, good ones kept.",
        permission_classes=WRITE,
    )
    async def ingest_mentions(
        self,
        info: Info,
        mentions: Annotated[list[MentionInput], strawberry.argument(description="The mentions.")],
    ) -> IngestResult:
        _check_size(list(mentions), "mentions")
        errors: list[ItemError] = []
        good: list[Mention] = []
        for index, item in enumerate(mentions):
            try:
                good.append(to_mention(item))
            except BadUserInput as exc:
                errors.append(ItemError(index=index, id=item.id, code=exc.code, message=str(exc)))
        services = info.context.services

        def write() -> list[object]:
            from graphsvc.ingest import Ingestor
            from graphsvc.labeling import ClassifierLabeler

            ingestor = Ingestor(services.calls.store, labeler=ClassifierLabeler(services.classifier))
            return list(ingestor.ingest(good).state_changes)

        services.calls.counts["ingest"] += 1
        changes = await services.calls.blocking(write) if good else []
        services.cache.clear()
        services.watch.poke()  # the changes reach subscribers through the store's feed
        return IngestResult(
            accepted=len(good),
            rejected=len(errors),
            errors=errors,
            state_changes=[StateChange.of(c) for c in changes],  # type: ignore[arg-type]
        )

    @mutation(
        description="Store follow edges. Bad edges are reported, good ones kept. When edges are new, "
        "peer reach and influence are refreshed before this returns.",
        permission_classes=WRITE,
    )
    async def add_follows(
        self, info: Info, edges: Annotated[list[FollowInput], strawberry.argument(description="The edges.")]
    ) -> FollowResult:
        _check_size(list(edges), "edges")
        errors: list[ItemError] = []
        good: list[tuple[str, str]] = []
        for index, edge in enumerate(edges):
            problem = _qualified(edge.follower, "follower") or _qualified(edge.followee, "followee")
            if problem is None and edge.follower == edge.followee:
                problem = f"{edge.follower} cannot follow itself"
            if problem:
                errors.append(
                    ItemError(
                        index=index,
                        id=f"{edge.follower}->{edge.followee}",
                        code="BAD_USER_INPUT",
                        message=problem,
                    )
                )
            else:
                good.append((edge.follower, edge.followee))
        calls = info.context.calls
        created = await calls(calls.store.upsert_follows, good) if good else 0
        if created:
            # the shared projection and the stored reach and influence follow the new edges
            await info.context.services.graph.edges_added(good)
            info.context.services.watch.poke()  # reads the refreshed metrics into memory again
        info.context.services.cache.clear()  # after the refresh: rankings read the new reach
        return FollowResult(accepted=len(good), rejected=len(errors), created=created, errors=errors)

    @mutation(
        description="Record that the brand answered a post (the earliest answer wins); returns the post.",
        permission_classes=WRITE,
    )
    async def mark_responded(
        self,
        info: Info,
        post_id: Annotated[
            strawberry.ID, strawberry.argument(description="`post:twcs:119237` or `twcs:119237`.")
        ],
        at: Annotated[
            datetime | None, strawberry.argument(description="When the brand answered (default: now).")
        ] = None,
    ) -> Post:
        raw = platform_id(post_id, NodeKind.POST)
        when = at or datetime.now(UTC)  # a time without an offset is UTC (graphsvc.api.scalars)
        calls = info.context.calls
        post = await calls(calls.store.mark_responded, raw, when)
        info.context.services.cache.clear()
        if post is None:
            raise NotFound(f"post {post_id!r} is not known; check the id (e.g. twcs:119237)")
        return Post.of(post)
