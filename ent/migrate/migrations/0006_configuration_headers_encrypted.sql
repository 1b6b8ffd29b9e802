-- A configuration's static headers are credentials (Authorization: Basic …).
-- Their values move to headers_encrypted, sealed with FERRY_ENCRYPTION_KEY;
-- "headers" keeps only their redacted form. SQL cannot seal: the Go part of
-- this migration (sealHeaders in steps.go) does, in this same transaction.
ALTER TABLE "configurations" ADD COLUMN "headers_encrypted" bytea NULL;

-- Attempts recorded so far carry the static headers in the clear. Every
-- header Ferry does not set itself is one of them: it becomes "••••" and its
-- last 4 characters, as new attempts record it.
UPDATE "delivery_attempts" AS a
SET "request_headers" = (
	SELECT jsonb_object_agg(h.key, CASE
		WHEN lower(h.key) IN ('content-type', 'user-agent', 'x-signature', 'traceparent', 'tracestate')
			OR lower(h.key) LIKE 'x-ferry-%' OR lower(h.key) LIKE 'webhook-%' THEN h.value
		WHEN char_length(h.value #>> '{}') <= 4 THEN to_jsonb('••••'::text)
		ELSE to_jsonb('••••' || right(h.value #>> '{}', 4))
	END)
	FROM jsonb_each(a.request_headers) AS h)
WHERE EXISTS (
	SELECT 1 FROM jsonb_object_keys(a.request_headers) AS k
	WHERE NOT (lower(k) IN ('content-type', 'user-agent', 'x-signature', 'traceparent', 'tracestate')
		OR lower(k) LIKE 'x-ferry-%' OR lower(k) LIKE 'webhook-%'));
