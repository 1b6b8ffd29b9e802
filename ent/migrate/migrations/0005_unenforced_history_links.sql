-- The links of deliveries to their event and of attempts to their delivery,
-- checked on every delivery and attempt, are kept in code instead; retention
-- deletes them with their event (see Unenforced in unenforced.go).
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_events_deliveries";
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_deliveries_attempts";
