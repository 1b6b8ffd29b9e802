-- An automatic attempt's claim, in PostgreSQL: set before its request
-- leaves, cleared when it is recorded. Not indexed, so setting it is a HOT
-- update; recovery reads it on the rows the (status, next_attempt_at) index
-- finds.
ALTER TABLE "deliveries" ADD COLUMN "claimed_until" timestamptz NULL;
