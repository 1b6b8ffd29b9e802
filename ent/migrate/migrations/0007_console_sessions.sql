-- Console sessions: short-lived sign-ins for an account's customers, minted
-- by createConsoleSession; only the token's SHA-256 hash is stored.
CREATE TABLE "console_sessions" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "token_hash" character varying NOT NULL, "hint" character varying NOT NULL, "capabilities" jsonb NOT NULL, "return_url" character varying NULL, "expires_at" timestamptz NOT NULL, "revoked_at" timestamptz NULL, "account_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "console_sessions_accounts_account" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE NO ACTION);
CREATE UNIQUE INDEX "console_sessions_token_hash_key" ON "console_sessions" ("token_hash");
CREATE INDEX "consolesession_account_id_created_at" ON "console_sessions" ("account_id", "created_at");
