"""Every Cypher statement the Neo4j store sends, and nothing else (Cypher 5).

Each public upper-case ``str`` constant here is one statement; ``tests/test_neo4j_cypher_lint.py``
collects them with ``vars()`` and lints each with Neo4j's own parser. Statements take every value
as a ``$parameter``: no statement is ever built from user input. Where a filter is optional it is
written ``$x IS NULL OR ...``; where the best starting point of a query depends on the filter (a
brand, a customer, everything) a few fixed variants are composed here, at import time, from the
private fragments below, and code picks one by name.

The graph::

    (:Account {id, handle, handle_lc, name, followers, brand})-[:FOLLOWS]->(:Account)
    (:Post {id, text, lang, created_at, author, in_reply_to, by_brand, type, ..., responded_at})
        -[:CONCERNS]->(:Brand {key, name, aliases})
    (:BrandAlias {alias, brand})    every name a brand is looked up by
    (:State {customer, brand, type, since, post})
    (:StateChange {customer, brand, post, from_type, to_type, at})
    (:Metrics {account, reach1, reach2, influence})
    (:Checkpoint {source, done}), (:ApiKey {id, role, key_hash, created_at, revoked_at})
    (:GraphsvcSchema {name, version})

Times are UTC epoch seconds (floats), as in the SQLite store, so both sort and page alike. A
``Brand`` node is created by the first post that concerns it; it only counts as a brand once
:data:`UPSERT_BRANDS` has given it a ``name``.
"""

from __future__ import annotations

# -- lifecycle ---------------------------------------------------------------------------------------

PING = "RETURN 1 AS ok"

GET_SCHEMA_VERSION = "OPTIONAL MATCH (m:GraphsvcSchema {name: 'graphsvc'}) RETURN m.version AS version"

SET_SCHEMA_VERSION = "MERGE (m:GraphsvcSchema {name: 'graphsvc'}) SET m.version = $version"

# Deletes in slices so that wiping a big test database never needs one huge transaction.
DELETE_SOME_NODES = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"

# -- writes ------------------------------------------------------------------------------------------

# Known fields are never overwritten by null (coalesce keeps the stored value).
UPSERT_ACCOUNTS = """
UNWIND $rows AS row
MERGE (a:Account {id: row.id})
SET a.handle = coalesce(row.handle, a.handle),
    a.name = coalesce(row.name, a.name),
    a.followers = coalesce(row.followers, a.followers),
    a.brand = coalesce(row.brand, a.brand)
SET a.handle_lc = toLower(a.handle)
"""

GET_BRAND_ALIASES = """
UNWIND $keys AS key
MATCH (b:Brand {key: key})
RETURN b.key AS key, b.aliases AS aliases
"""

# The first brand to claim a name keeps it (ON CREATE), as in the embedded store.
UPSERT_BRANDS = """
UNWIND $rows AS row
MERGE (b:Brand {key: row.key})
SET b.name = row.name, b.aliases = row.aliases
WITH b, row
UNWIND row.names AS alias
MERGE (x:BrandAlias {alias: alias})
ON CREATE SET x.brand = b.key
"""

# Classification and response fields are left alone: other statements own them.
UPSERT_POSTS = """
UNWIND $rows AS row
MERGE (p:Post {id: row.id})
SET p.text = row.text,
    p.lang = coalesce(row.lang, p.lang),
    p.created_at = row.created_at,
    p.author = row.author,
    p.in_reply_to = coalesce(row.in_reply_to, p.in_reply_to),
    p.by_brand = row.by_brand
WITH p, row
UNWIND row.brands AS key
MERGE (b:Brand {key: key})
MERGE (p)-[:CONCERNS]->(b)
"""

# Reply links touching $ids, whichever side arrived first: the child is in $ids, or the parent is.
THREAD_PAIRS = """
UNWIND $ids AS id
MATCH (c:Post {id: id})
MATCH (p:Post {id: c.in_reply_to})
RETURN c.id AS child, c.created_at AS child_at, c.by_brand AS child_by_brand,
       p.id AS parent, p.by_brand AS parent_by_brand
UNION
UNWIND $ids AS id
MATCH (c:Post {in_reply_to: id})
MATCH (p:Post {id: id})
RETURN c.id AS child, c.created_at AS child_at, c.by_brand AS child_by_brand,
       p.id AS parent, p.by_brand AS parent_by_brand
"""

INHERIT_BRANDS = """
UNWIND $rows AS row
MATCH (source:Post {id: row.source})-[:CONCERNS]->(b:Brand)
MATCH (target:Post {id: row.target})
MERGE (target)-[:CONCERNS]->(b)
"""

# The earliest answer wins; rows arrive already reduced to one per parent.
RECORD_ANSWERS = """
UNWIND $rows AS row
MATCH (p:Post {id: row.parent})
WHERE p.responded_at IS NULL OR p.responded_at > row.at
SET p.responded_at = row.at, p.response_post = row.post
"""

MARK_RESPONDED = """
MATCH (p:Post {id: $id})
WHERE p.responded_at IS NULL OR p.responded_at > $at
SET p.responded_at = $at
"""

# Rows are [follower, followee] pairs: lists pack smaller than maps. Both ends become accounts,
# even of a self-follow, which is never stored as an edge (as in the embedded store).
UPSERT_FOLLOWS = """
UNWIND $rows AS row
MERGE (a:Account {id: row[0]})
MERGE (b:Account {id: row[1]})
WITH a, b
WHERE a <> b
MERGE (a)-[:FOLLOWS]->(b)
"""

SET_CLASSIFICATIONS = """
UNWIND $rows AS row
MATCH (p:Post {id: row.id})
SET p.type = row.type,
    p.confidence = row.confidence,
    p.cues = row.cues,
    p.label_lang = row.lang,
    p.needs_response = row.needs_response,
    p.sla = row.sla,
    p.version = row.version,
    p.due_at = CASE WHEN row.needs_response AND row.sla IS NOT NULL THEN p.created_at + row.sla END
"""

STATE_PAIRS = """
UNWIND $ids AS id
MATCH (p:Post {id: id})-[:CONCERNS]->(b:Brand)
WHERE NOT p.by_brand
RETURN DISTINCT p.author AS customer, b.key AS brand
"""

STATE_HISTORIES = """
UNWIND $pairs AS pair
MATCH (p:Post {author: pair.customer})-[:CONCERNS]->(:Brand {key: pair.brand})
WHERE p.type IS NOT NULL
RETURN pair.customer AS customer, pair.brand AS brand, p.id AS post, p.created_at AS at, p.type AS type
ORDER BY at, post
"""

EXISTING_STATE_CHANGES = """
UNWIND $pairs AS pair
MATCH (c:StateChange {customer: pair.customer, brand: pair.brand})
RETURN c.customer AS customer, c.brand AS brand, c.post AS post,
       c.from_type AS from_type, c.to_type AS to_type, c.at AS at
"""

DELETE_STATE_CHANGES = """
UNWIND $rows AS row
MATCH (c:StateChange {customer: row.customer, brand: row.brand, post: row.post})
DELETE c
"""

# Each change written gets the next feed position. Setting the sequence node locks it until the
# transaction commits, so positions are handed out in commit order, never twice.
MERGE_STATE_CHANGES = """
MERGE (q:GraphsvcSequence {name: 'state_changes'})
ON CREATE SET q.value = 0
SET q.value = q.value + size($rows)
WITH q.value - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
WITH base + i + 1 AS seq, $rows[i] AS row
MERGE (c:StateChange {customer: row.customer, brand: row.brand, post: row.post})
SET c.from_type = row.from_type, c.to_type = row.to_type, c.at = row.at, c.seq = seq
"""

SET_STATES = """
UNWIND $rows AS row
MERGE (s:State {customer: row.customer, brand: row.brand})
SET s.type = row.type, s.since = row.since, s.post = row.post
"""

DELETE_STATES = """
UNWIND $rows AS row
MATCH (s:State {customer: row.customer, brand: row.brand})
DELETE s
"""

# Each write moves the 'metrics' sequence, which FEED_MARKS shows to servers that hold the
# metrics in memory.
PUT_METRICS = """
MERGE (q:GraphsvcSequence {name: 'metrics'})
ON CREATE SET q.value = 0
SET q.value = q.value + 1
WITH q
UNWIND $rows AS row
MERGE (m:Metrics {account: row.account})
SET m.reach1 = row.reach1, m.reach2 = row.reach2, m.influence = row.influence
"""

SET_CHECKPOINT = "MERGE (c:Checkpoint {source: $source}) SET c.done = $done"

PUT_API_KEY = """
MERGE (k:ApiKey {id: $id})
ON CREATE SET k.role = $role, k.key_hash = $key_hash, k.created_at = $created_at, k.revoked_at = $revoked_at
"""

REVOKE_API_KEY = """
MATCH (k:ApiKey {id: $id})
WHERE k.revoked_at IS NULL
SET k.revoked_at = $at
RETURN count(k) AS revoked
"""

# -- reads -------------------------------------------------------------------------------------------

_ACCOUNT = "a {.id, .handle, .name, .followers, .brand} AS account"
_POST = "p {.*, brands: [(p)-[:CONCERNS]->(b:Brand) | b.key]} AS post"
_BRAND = "b.key AS key, b.name AS name, b.aliases AS aliases, collect(h.id) AS handles"
_API_KEY = "k {.id, .role, .key_hash, .created_at, .revoked_at} AS api_key"

GET_ACCOUNTS = f"""
UNWIND $ids AS id
MATCH (a:Account {{id: id}})
RETURN {_ACCOUNT}
"""

# $names are {key: what was asked, alias: its canonical form}.
GET_BRANDS = f"""
UNWIND $names AS wanted
MATCH (x:BrandAlias {{alias: wanted.alias}})
MATCH (b:Brand {{key: x.brand}})
OPTIONAL MATCH (h:Account {{brand: b.key}})
RETURN wanted.key AS asked, {_BRAND}
"""

LIST_BRANDS = f"""
MATCH (b:Brand)
WHERE b.name IS NOT NULL
OPTIONAL MATCH (h:Account {{brand: b.key}})
RETURN {_BRAND}
ORDER BY key
"""

GET_POSTS = f"""
UNWIND $ids AS id
MATCH (p:Post {{id: id}})
RETURN {_POST}
"""

REPLIES_TO = f"""
UNWIND $ids AS id
MATCH (p:Post {{in_reply_to: id}})
WITH p
ORDER BY p.created_at, p.id
RETURN {_POST}
"""

# Customers: where to start, then one filter and one of two orders.
_CUSTOMERS_ALL = "MATCH (a:Account)"
_CUSTOMERS_OF_BRAND = """
MATCH (:Brand {key: $brand})<-[:CONCERNS]-(p:Post)
WITH DISTINCT p.author AS author
MATCH (a:Account {id: author})"""
_CUSTOMERS_IN_STATE = """
MATCH (s:State {brand: $brand, type: $state})
MATCH (a:Account {id: s.customer})"""
_CUSTOMERS_WHERE = "\nWHERE a.brand IS NULL AND ($prefix IS NULL OR a.handle_lc STARTS WITH $prefix)"
_CUSTOMERS_BY_ID = f"""
WITH a
WHERE $after_id IS NULL OR a.id > $after_id
RETURN {_ACCOUNT}, a.id AS sort_key
ORDER BY a.id
LIMIT $limit
"""
# $metric names a Metrics property (reach1, reach2, influence); accounts without metrics rank as 0.
_CUSTOMERS_BY_METRIC = f"""
OPTIONAL MATCH (m:Metrics {{account: a.id}})
WITH a, coalesce(m[$metric], 0) AS sort_key
WHERE $after_id IS NULL OR sort_key < $after_key OR (sort_key = $after_key AND a.id > $after_id)
RETURN {_ACCOUNT}, sort_key
ORDER BY sort_key DESC, a.id
LIMIT $limit
"""

LIST_CUSTOMERS_BY_ID = _CUSTOMERS_ALL + _CUSTOMERS_WHERE + _CUSTOMERS_BY_ID
LIST_CUSTOMERS_BY_METRIC = _CUSTOMERS_ALL + _CUSTOMERS_WHERE + _CUSTOMERS_BY_METRIC
LIST_BRAND_CUSTOMERS_BY_ID = _CUSTOMERS_OF_BRAND + _CUSTOMERS_WHERE + _CUSTOMERS_BY_ID
LIST_BRAND_CUSTOMERS_BY_METRIC = _CUSTOMERS_OF_BRAND + _CUSTOMERS_WHERE + _CUSTOMERS_BY_METRIC
LIST_STATE_CUSTOMERS_BY_ID = _CUSTOMERS_IN_STATE + _CUSTOMERS_WHERE + _CUSTOMERS_BY_ID
LIST_STATE_CUSTOMERS_BY_METRIC = _CUSTOMERS_IN_STATE + _CUSTOMERS_WHERE + _CUSTOMERS_BY_METRIC

# Interactions (customer-authored posts): start from the brand, the customer, or every post.
_INTERACTIONS_ALL = "MATCH (p:Post)"
_INTERACTIONS_OF_BRAND = "MATCH (:Brand {key: $brand})<-[:CONCERNS]-(p:Post)"
_INTERACTIONS_OF_CUSTOMER = "MATCH (p:Post {author: $customer})"
_INTERACTIONS_WHERE = """
WHERE NOT p.by_brand
  AND ($customer IS NULL OR p.author = $customer)
  AND ($type IS NULL OR p.type = $type)
  AND ($since IS NULL OR p.created_at >= $since)
  AND ($until IS NULL OR p.created_at < $until)
  AND ($answered IS NULL OR (p.responded_at IS NOT NULL) = $answered)
  AND ($needs_response IS NULL OR coalesce(p.needs_response, false) = $needs_response)"""
_INTERACTIONS_NEWEST = f"""
WITH p, p.created_at AS sort_key
WHERE $after_id IS NULL OR sort_key < $after_key OR (sort_key = $after_key AND p.id < $after_id)
RETURN {_POST}, sort_key
ORDER BY sort_key DESC, p.id DESC
LIMIT $limit
"""
# Unclassified posts and posts that need no answer have no due time: they sort last.
_INTERACTIONS_DUE = f"""
WITH p, coalesce(p.due_at, 1.0e18) AS sort_key
WHERE $after_id IS NULL OR sort_key > $after_key OR (sort_key = $after_key AND p.id > $after_id)
RETURN {_POST}, sort_key
ORDER BY sort_key, p.id
LIMIT $limit
"""

LIST_INTERACTIONS_NEWEST = _INTERACTIONS_ALL + _INTERACTIONS_WHERE + _INTERACTIONS_NEWEST
LIST_INTERACTIONS_DUE = _INTERACTIONS_ALL + _INTERACTIONS_WHERE + _INTERACTIONS_DUE
LIST_BRAND_INTERACTIONS_NEWEST = _INTERACTIONS_OF_BRAND + _INTERACTIONS_WHERE + _INTERACTIONS_NEWEST
LIST_BRAND_INTERACTIONS_DUE = _INTERACTIONS_OF_BRAND + _INTERACTIONS_WHERE + _INTERACTIONS_DUE
LIST_CUSTOMER_INTERACTIONS_NEWEST = _INTERACTIONS_OF_CUSTOMER + _INTERACTIONS_WHERE + _INTERACTIONS_NEWEST
LIST_CUSTOMER_INTERACTIONS_DUE = _INTERACTIONS_OF_CUSTOMER + _INTERACTIONS_WHERE + _INTERACTIONS_DUE

# One page of neighbours per account in $ids: a subquery per account keeps each page's LIMIT.
_NEIGHBOURS = """
UNWIND $ids AS owner
CALL (owner) {{
  MATCH (:Account {{id: owner}}){edge}(a:Account)
  WHERE $after_id IS NULL OR a.id > $after_id
  RETURN {account}
  ORDER BY a.id
  LIMIT $limit
}}
RETURN owner, account
"""
LIST_FOLLOWERS = _NEIGHBOURS.format(edge="<-[:FOLLOWS]-", account=_ACCOUNT)
LIST_FOLLOWING = _NEIGHBOURS.format(edge="-[:FOLLOWS]->", account=_ACCOUNT)

# One page of interactions per customer in $customers (optionally about one $brand).
_CUSTOMERS_INTERACTIONS = (
    """
UNWIND $customers AS owner
CALL (owner) {
  MATCH (p:Post {author: owner})"""
    + _INTERACTIONS_WHERE
    + """
  AND ($brand IS NULL OR EXISTS { MATCH (p)-[:CONCERNS]->(:Brand {key: $brand}) })"""
)
LIST_CUSTOMERS_INTERACTIONS_NEWEST = (
    _CUSTOMERS_INTERACTIONS + _INTERACTIONS_NEWEST + "}\nRETURN owner, post, sort_key\n"
)
LIST_CUSTOMERS_INTERACTIONS_DUE = (
    _CUSTOMERS_INTERACTIONS + _INTERACTIONS_DUE + "}\nRETURN owner, post, sort_key\n"
)

# Newest first by (at, customer, brand, post); the cursor is that tuple of the last row.
LIST_STATE_CHANGES = """
MATCH (c:StateChange)
WHERE ($brand IS NULL OR c.brand = $brand)
  AND ($customer IS NULL OR c.customer = $customer)
  AND ($since IS NULL OR c.at >= $since)
  AND ($until IS NULL OR c.at < $until)
  AND ($from_type IS NULL OR c.from_type = $from_type)
  AND ($to_type IS NULL OR c.to_type = $to_type)
  AND ($after_at IS NULL OR c.at < $after_at OR (c.at = $after_at AND (c.customer < $after_customer
       OR (c.customer = $after_customer AND (c.brand < $after_brand
       OR (c.brand = $after_brand AND c.post < $after_post))))))
RETURN c {.customer, .brand, .from_type, .to_type, .at, .post} AS change
ORDER BY c.at DESC, c.customer DESC, c.brand DESC, c.post DESC
LIMIT $limit
"""

STATES_FOR = """
UNWIND $ids AS id
MATCH (s:State {customer: id})
RETURN s {.customer, .brand, .type, .since, .post} AS state
ORDER BY s.customer, s.brand
"""

CUSTOMER_IDS_IN_STATE = """
MATCH (s:State {brand: $brand, type: $state})
RETURN s.customer AS id
ORDER BY id
"""

CUSTOMER_IDS_OF_BRAND = """
MATCH (:Brand {key: $brand})<-[:CONCERNS]-(p:Post)
WHERE NOT p.by_brand
RETURN DISTINCT p.author AS id
ORDER BY id
"""

# One page of followers (keyset on the follower's id, so the unique index gives the order) with
# everyone each follows: pages stay small even at millions of edges.
FOLLOWS_PAGE = """
MATCH (a:Account)
WHERE a.id > $after AND EXISTS { (a)-[:FOLLOWS]->(:Account) }
WITH a
ORDER BY a.id
LIMIT $limit
RETURN a.id AS follower, [(a)-[:FOLLOWS]->(b:Account) | b.id] AS followees
"""

_METRICS = "m {.account, .reach1, .reach2, .influence} AS metrics"

GET_METRICS = f"""
UNWIND $ids AS id
MATCH (m:Metrics {{account: id}})
RETURN {_METRICS}
"""

# One page of all stored metrics, by account, after $after ('' for the first).
METRICS_PAGE = f"""
MATCH (m:Metrics)
WHERE m.account > $after
RETURN {_METRICS}
ORDER BY m.account
LIMIT $limit
"""

COUNT_CUSTOMERS = "MATCH (a:Account) WHERE a.brand IS NULL RETURN count(a) AS n"
COUNT_BRANDS = "MATCH (b:Brand) WHERE b.name IS NOT NULL RETURN count(b) AS n"
COUNT_POSTS = "MATCH (p:Post) RETURN count(p) AS n"
COUNT_FOLLOWS = "MATCH (:Account)-[f:FOLLOWS]->(:Account) RETURN count(f) AS n"
COUNT_STATE_CHANGES = "MATCH (c:StateChange) RETURN count(c) AS n"

# Both answered from the count store and one index seek: cheap enough to poll every second.
FEED_MARKS = """
MATCH ()-[f:FOLLOWS]->()
WITH count(f) AS follows
OPTIONAL MATCH (q:GraphsvcSequence {name: 'state_changes'})
OPTIONAL MATCH (r:GraphsvcSequence {name: 'metrics'})
RETURN follows, coalesce(q.value, 0) AS state_changes, coalesce(r.value, 0) AS metrics
"""

STATE_CHANGES_AFTER = """
MATCH (c:StateChange)
WHERE c.seq > $seq
RETURN c {.customer, .brand, .from_type, .to_type, .at, .post} AS change, c.seq AS seq
ORDER BY c.seq
LIMIT $first
"""

COUNT_POSTS_BY_TYPE = "MATCH (p:Post) WHERE p.type IS NOT NULL RETURN p.type AS type, count(p) AS n"

COUNT_BY_BRAND = """
MATCH (b:Brand)
WHERE b.name IS NOT NULL
OPTIONAL MATCH (b)<-[:CONCERNS]-(p:Post)
RETURN b.key AS brand, count(p) AS posts,
       count(CASE WHEN NOT p.by_brand THEN 1 END) AS interactions,
       count(DISTINCT CASE WHEN NOT p.by_brand THEN p.author END) AS customers
"""

COUNT_AWAITING_BY_BRAND = """
MATCH (b:Brand)<-[:CONCERNS]-(p:Post)
WHERE NOT p.by_brand AND p.needs_response AND p.responded_at IS NULL
RETURN b.key AS brand, count(p) AS n
"""

COUNT_STATE_CHANGES_BY_BRAND = "MATCH (c:StateChange) RETURN c.brand AS brand, count(c) AS n"

GET_CHECKPOINT = "MATCH (c:Checkpoint {source: $source}) RETURN c.done AS done"

FIND_API_KEY = f"MATCH (k:ApiKey {{key_hash: $key_hash}}) RETURN {_API_KEY}"

LIST_API_KEYS = f"MATCH (k:ApiKey) RETURN {_API_KEY} ORDER BY k.created_at, k.id"
