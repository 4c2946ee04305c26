// Uniqueness on every id: MERGE relies on these for both speed (index seek) and
// correctness (two concurrent MERGEs of one id cannot both create a node).
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT post_id IF NOT EXISTS FOR (p:Post) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT brand_key IF NOT EXISTS FOR (b:Brand) REQUIRE b.key IS UNIQUE;
CREATE CONSTRAINT brand_alias IF NOT EXISTS FOR (x:BrandAlias) REQUIRE x.alias IS UNIQUE;
CREATE CONSTRAINT state_pair IF NOT EXISTS FOR (s:State) REQUIRE (s.customer, s.brand) IS UNIQUE;
CREATE CONSTRAINT state_change_key IF NOT EXISTS FOR (c:StateChange) REQUIRE (c.customer, c.brand, c.post) IS UNIQUE;
CREATE CONSTRAINT metrics_account IF NOT EXISTS FOR (m:Metrics) REQUIRE m.account IS UNIQUE;
CREATE CONSTRAINT checkpoint_source IF NOT EXISTS FOR (c:Checkpoint) REQUIRE c.source IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.key_hash IS UNIQUE;
CREATE CONSTRAINT graphsvc_schema_name IF NOT EXISTS FOR (m:GraphsvcSchema) REQUIRE m.name IS UNIQUE;
CREATE CONSTRAINT graphsvc_sequence_name IF NOT EXISTS FOR (q:GraphsvcSequence) REQUIRE q.name IS UNIQUE;
