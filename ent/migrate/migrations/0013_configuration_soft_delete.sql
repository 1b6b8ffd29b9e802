-- Deleting a configuration marks its row (softdelete) instead of removing
-- it and unlinking its history; deliveries copy its name at creation, as
-- they copy its URL. Both columns are nullable without a default: no table
-- rewrite, no backfill.
ALTER TABLE "configurations" ADD COLUMN "deleted_at" timestamptz NULL;
ALTER TABLE "deliveries" ADD COLUMN "configuration_name" character varying NULL;
