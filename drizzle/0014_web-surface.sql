CREATE TABLE "rate_limit_buckets" (
	"bucket" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_seconds" integer NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_exports" ADD COLUMN "requested_by_id" uuid;--> statement-breakpoint
ALTER TABLE "report_exports" ADD CONSTRAINT "report_exports_requested_by_id_identities_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."identities"("id") ON DELETE set null ON UPDATE no action;