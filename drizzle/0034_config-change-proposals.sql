CREATE TABLE "config_change_proposals" (
	"id" serial PRIMARY KEY NOT NULL,
	"files" jsonb NOT NULL,
	"message" text NOT NULL,
	"summary" jsonb NOT NULL,
	"base_fingerprint" text NOT NULL,
	"proposed_by" uuid NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	CONSTRAINT "config_change_proposals_status" CHECK ("config_change_proposals"."status" in ('pending', 'approved', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "config_change_proposals" ADD CONSTRAINT "config_change_proposals_proposed_by_identities_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_change_proposals" ADD CONSTRAINT "config_change_proposals_decided_by_identities_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;