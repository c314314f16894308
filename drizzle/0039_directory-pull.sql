CREATE TABLE "directory_links" (
	"source_key" text NOT NULL,
	"remote_id" text NOT NULL,
	"identity_id" uuid NOT NULL,
	"gone_at" timestamp with time zone,
	"fingerprint" text,
	CONSTRAINT "directory_links_source_key_remote_id_pk" PRIMARY KEY("source_key","remote_id")
);
--> statement-breakpoint
CREATE TABLE "directory_pulls" (
	"source_key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"settings" jsonb NOT NULL,
	"interval_minutes" integer DEFAULT 60 NOT NULL,
	"cursor" text,
	"next_run_at" timestamp with time zone NOT NULL,
	"running_since" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_status" text,
	"last_error" text,
	"last_result" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "directory_pulls_kind" CHECK ("directory_pulls"."kind" in ('okta', 'entra', 'google')),
	CONSTRAINT "directory_pulls_interval" CHECK ("directory_pulls"."interval_minutes" between 5 and 10080),
	CONSTRAINT "directory_pulls_status" CHECK ("directory_pulls"."last_status" is null or "directory_pulls"."last_status" in ('ok', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "directory_links" ADD CONSTRAINT "directory_links_source_key_hr_sources_key_fk" FOREIGN KEY ("source_key") REFERENCES "public"."hr_sources"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_links" ADD CONSTRAINT "directory_links_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_pulls" ADD CONSTRAINT "directory_pulls_source_key_hr_sources_key_fk" FOREIGN KEY ("source_key") REFERENCES "public"."hr_sources"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "directory_links_identity_key" ON "directory_links" USING btree ("source_key","identity_id");