-- Foreign keys checked on every published delivery and every attempt, and
-- kept in code instead (see Unenforced in unenforced.go).
ALTER TABLE "events" DROP CONSTRAINT "events_accounts_account";
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_accounts_account", DROP CONSTRAINT "deliveries_configurations_deliveries";
ALTER TABLE "delivery_attempts" DROP CONSTRAINT "delivery_attempts_accounts_account", DROP CONSTRAINT "delivery_attempts_configurations_attempts";
