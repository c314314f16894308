CREATE TABLE "cached_figures" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "audit_events_action_idx";--> statement-breakpoint
CREATE INDEX "identities_id_text_idx" ON "identities" USING btree (("id"::text));--> statement-breakpoint
CREATE INDEX "audit_events_subject_id_idx" ON "audit_events" USING btree ("subject_id","id");--> statement-breakpoint
CREATE INDEX "access_requests_waiting_idx" ON "access_requests" USING btree ("created_at","id") WHERE "access_requests"."status" in ('pending', 'needs_info');--> statement-breakpoint
CREATE INDEX "audit_events_action_idx" ON "audit_events" USING btree ("action","id");