-- Console branding: the operator's name, logo and primary colour for one
-- console session; null falls back to FERRY_CONSOLE_* (Viewer.branding).
ALTER TABLE "console_sessions" ADD COLUMN "branding_name" character varying NULL, ADD COLUMN "branding_logo_url" character varying NULL, ADD COLUMN "branding_primary_color" character varying NULL;
