-- Auto-disable looks up a configuration's latest successful delivery.
CREATE INDEX "delivery_configuration_id_status_last_attempt_at" ON "deliveries" ("configuration_id", "status", "last_attempt_at");

