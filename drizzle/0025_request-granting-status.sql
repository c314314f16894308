ALTER TABLE "access_requests" DROP CONSTRAINT "access_requests_status";--> statement-breakpoint
DROP INDEX "access_requests_one_open_per_template";--> statement-breakpoint
DROP INDEX "access_requests_one_open_proposal";--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_one_open_per_template" ON "access_requests" USING btree ("requester_id","template_id") WHERE "access_requests"."status" in ('pending', 'needs_info', 'granting') and "access_requests"."proposed_by" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "access_requests_one_open_proposal" ON "access_requests" USING btree ("requester_id",("proposal" ->> 'resource')) WHERE "access_requests"."status" in ('pending', 'needs_info', 'granting') and "access_requests"."proposed_by" is not null;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_status" CHECK ("access_requests"."status" in ('pending', 'needs_info', 'granting', 'approved', 'denied', 'cancelled', 'expired'));