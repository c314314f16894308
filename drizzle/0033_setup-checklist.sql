CREATE TABLE "setup_checklist_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"dismissed_at" timestamp with time zone,
	"dismissed_by" uuid,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "setup_checklist_state_single_row" CHECK ("setup_checklist_state"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "setup_checklist_state" ADD CONSTRAINT "setup_checklist_state_dismissed_by_identities_id_fk" FOREIGN KEY ("dismissed_by") REFERENCES "public"."identities"("id") ON DELETE set null ON UPDATE no action;