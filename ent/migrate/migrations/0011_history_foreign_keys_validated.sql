-- The history stored while 0005's links went unchecked: a delivery whose
-- event is gone, or an attempt whose delivery is gone, is what the cascade
-- would have deleted with them, and is deleted now (a delivery's attempts
-- go with it through 0010's cascade). 0010 keeps new ones from appearing,
-- so validating cannot fail; it reads the tables without holding writes.
DELETE FROM "deliveries" AS d WHERE NOT EXISTS (SELECT 1 FROM "events" AS e WHERE e."id" = d."event_id");
DELETE FROM "delivery_attempts" AS a WHERE NOT EXISTS (SELECT 1 FROM "deliveries" AS d WHERE d."id" = a."delivery_id");
ALTER TABLE "deliveries" VALIDATE CONSTRAINT "deliveries_events_deliveries";
ALTER TABLE "delivery_attempts" VALIDATE CONSTRAINT "delivery_attempts_deliveries_attempts";
