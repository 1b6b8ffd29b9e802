-- Event type samples: an example of a type's data, shown in the console's
-- catalog and sent by sendTestEvent when it is given no data.
ALTER TABLE "event_types" ADD COLUMN "sample" jsonb NULL;
