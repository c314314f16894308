CREATE TABLE "hr_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_key" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"external_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"applied_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "hr_events_status" CHECK ("hr_events"."status" in ('waiting', 'applied', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "hr_sources" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "hr_sources_tokenHash_unique" UNIQUE("token_hash"),
	CONSTRAINT "hr_sources_key_format" CHECK ("hr_sources"."key" ~ '^[a-z][a-z0-9-]*$')
);
--> statement-breakpoint
ALTER TABLE "hr_events" ADD CONSTRAINT "hr_events_source_key_hr_sources_key_fk" FOREIGN KEY ("source_key") REFERENCES "public"."hr_sources"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hr_events_source_event_idx" ON "hr_events" USING btree ("source_key","event_id");--> statement-breakpoint
CREATE INDEX "hr_events_waiting_idx" ON "hr_events" USING btree ("effective_at") WHERE "hr_events"."status" = 'waiting';