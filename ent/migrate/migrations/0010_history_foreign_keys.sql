-- PostgreSQL checks again the links of deliveries to their event and of
-- attempts to their delivery, dropped by 0005: each checks a row its own
-- transaction has just written, which costs little (BENCHMARKS.md, "Foreign
-- keys"). NOT VALID takes the tables' lock only for a moment, leaves the
-- rows already stored to 0011 and checks every row written from now on.
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_events_deliveries" FOREIGN KEY ("event_id") REFERENCES "events" ("id") ON DELETE CASCADE NOT VALID;
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_deliveries_attempts" FOREIGN KEY ("delivery_id") REFERENCES "deliveries" ("id") ON DELETE CASCADE NOT VALID;
