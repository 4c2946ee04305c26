// Indexes for the time and type filters, reply threading and the per-customer lookups.
CREATE INDEX post_created_at IF NOT EXISTS FOR (p:Post) ON (p.created_at);
CREATE INDEX post_type_created_at IF NOT EXISTS FOR (p:Post) ON (p.type, p.created_at);
CREATE INDEX post_author IF NOT EXISTS FOR (p:Post) ON (p.author);
CREATE INDEX post_in_reply_to IF NOT EXISTS FOR (p:Post) ON (p.in_reply_to);
CREATE INDEX post_due_at IF NOT EXISTS FOR (p:Post) ON (p.due_at);
CREATE INDEX account_handle_lc IF NOT EXISTS FOR (a:Account) ON (a.handle_lc);
CREATE INDEX account_brand IF NOT EXISTS FOR (a:Account) ON (a.brand);
CREATE INDEX state_customer IF NOT EXISTS FOR (s:State) ON (s.customer);
CREATE INDEX state_brand_type IF NOT EXISTS FOR (s:State) ON (s.brand, s.type);
CREATE INDEX state_change_at IF NOT EXISTS FOR (c:StateChange) ON (c.at);
CREATE INDEX state_change_brand_at IF NOT EXISTS FOR (c:StateChange) ON (c.brand, c.at);
CREATE INDEX state_change_customer_brand IF NOT EXISTS FOR (c:StateChange) ON (c.customer, c.brand);
CREATE INDEX state_change_seq IF NOT EXISTS FOR (c:StateChange) ON (c.seq);
