DROP INDEX "access_requests_one_open_per_template";--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "proposed_by" uuid;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "proposal" jsonb;--> statement-breakpoint
ALTER TABLE "request_votes" ADD COLUMN "principal_id" uuid;--> statement-breakpoint
-- Votes cast before principals existed count as their voter's own (delegated or not), so no
-- earlier decision is rewritten and none collides with another.
UPDATE "request_votes" SET "principal_id" = "identity_id";--> statement-breakpoint
ALTER TABLE "request_votes" ALTER COLUMN "principal_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_proposed_by_identities_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_votes" ADD CONSTRAINT "request_votes_principal_id_identities_id_fk" FOREIGN KEY ("principal_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_one_open_proposal" ON "access_requests" USING btree ("requester_id",("proposal" ->> 'resource')) WHERE "access_requests"."status" in ('pending', 'needs_info') and "access_requests"."proposed_by" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "request_votes_one_per_principal" ON "request_votes" USING btree ("request_id","stage","principal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_one_open_per_template" ON "access_requests" USING btree ("requester_id","template_id") WHERE "access_requests"."status" in ('pending', 'needs_info') and "access_requests"."proposed_by" is null;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_proposal" CHECK (("access_requests"."proposed_by" is null) = ("access_requests"."proposal" is null));--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_not_self_proposed" CHECK ("access_requests"."proposed_by" is null or "access_requests"."proposed_by" <> "access_requests"."requester_id");