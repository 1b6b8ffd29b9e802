-- Event data becomes jsonb: ent's edge queries use SELECT DISTINCT, which json
-- (having no equality operator) cannot take.
ALTER TABLE "events" ALTER COLUMN "data" TYPE jsonb USING "data"::jsonb;
