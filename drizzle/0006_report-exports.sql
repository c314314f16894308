CREATE TABLE "report_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"format" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"total_rows" integer,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"file_path" text,
	"error" text,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "report_exports_status" CHECK ("report_exports"."status" in ('queued', 'running', 'done', 'failed')),
	CONSTRAINT "report_exports_format" CHECK ("report_exports"."format" in ('csv', 'json'))
);
--> statement-breakpoint
CREATE INDEX "report_exports_queued_idx" ON "report_exports" USING btree ("requested_at") WHERE "report_exports"."status" = 'queued';