-- The outbox is read newest first, a page at a time, from the message the
-- previous page ended on (issue 18: every list is paged). Without this index
-- each page sorted the organisation's whole outbox.
CREATE INDEX outbox_newest ON outbox (org_id, created_at, message_id);
