-- The outbox is read newest first, a page at a time, from the message the
-- previous page ended on (issue 18: every list is paged), whole or narrowed
-- to one state. Without these indexes each page sorted the organisation's
-- whole outbox, and a rare state (the few uncertain messages among 100,000
-- sent) was searched for through all of it.
CREATE INDEX outbox_newest ON outbox (org_id, created_at, message_id);
CREATE INDEX outbox_newest_by_state ON outbox (org_id, state, created_at, message_id);
