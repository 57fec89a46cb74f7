CREATE SCHEMA "fastmoss_private";
--> statement-breakpoint
CREATE TABLE "fastmoss_private"."access_tokens" (
	"api" text NOT NULL,
	"client_id" text NOT NULL,
	"sealed_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_tokens_api_client_id_pk" PRIMARY KEY("api","client_id")
);
--> statement-breakpoint
-- Credentials are the ETL's alone. A new schema gives PUBLIC nothing; the REVOKE says so for a
-- reader of this file and for a server whose template database was changed. grant-reader grants
-- schema fastmoss only, so a BI role never gets USAGE here, whatever tables are added later.
REVOKE ALL ON SCHEMA "fastmoss_private" FROM PUBLIC;--> statement-breakpoint
REVOKE ALL ON ALL TABLES IN SCHEMA "fastmoss_private" FROM PUBLIC;--> statement-breakpoint
COMMENT ON SCHEMA "fastmoss_private" IS 'Credentials of fastmoss-etl itself, never granted to a reader role (see grant-reader).';--> statement-breakpoint
COMMENT ON TABLE "fastmoss_private"."access_tokens" IS 'Signed mode''s access token per FastMoss host and client id, shared by every fastmoss-etl process on this database and renewed under a lock. The tokens are sealed (AES-256-GCM, key derived from the client secret): unreadable without FASTMOSS_CLIENT_SECRET.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss_private"."access_tokens"."api" IS 'FASTMOSS_BASE_URL the token was issued by.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss_private"."access_tokens"."client_id" IS 'FASTMOSS_CLIENT_ID the token belongs to.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss_private"."access_tokens"."sealed_token" IS 'The access and refresh tokens, sealed with a key derived from the client secret.';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss_private"."access_tokens"."expires_at" IS 'When FastMoss said the access token ends (from expires_in).';--> statement-breakpoint
COMMENT ON COLUMN "fastmoss_private"."access_tokens"."updated_at" IS 'When the token was last obtained or refreshed.';
