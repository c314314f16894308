CREATE TABLE "access_plan_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"identity_id" uuid NOT NULL,
	"system_key" text NOT NULL,
	"resource_key" text NOT NULL,
	"action" text NOT NULL,
	"level" text,
	"previous_level" text,
	"reason" text NOT NULL,
	"grace_days" integer DEFAULT 0 NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"operation_id" uuid,
	"exception_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"executed_at" timestamp with time zone,
	CONSTRAINT "access_plan_steps_action" CHECK ("access_plan_steps"."action" in ('grant', 'revoke', 'change_level')),
	CONSTRAINT "access_plan_steps_status" CHECK ("access_plan_steps"."status" in ('awaiting_review', 'queued', 'in_grace', 'cancelled')),
	CONSTRAINT "access_plan_steps_grace" CHECK ("access_plan_steps"."grace_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "access_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"identity_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"summary" text NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"policies_before" text[] NOT NULL,
	"policies_after" text[] NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"review_note" text,
	CONSTRAINT "access_plans_number_unique" UNIQUE("number"),
	CONSTRAINT "access_plans_kind" CHECK ("access_plans"."kind" in ('joiner', 'mover', 'leaver', 'change')),
	CONSTRAINT "access_plans_status" CHECK ("access_plans"."status" in ('awaiting_review', 'approved', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "access_snapshots" (
	"system_key" text NOT NULL,
	"username" text NOT NULL,
	"resource_key" text NOT NULL,
	"level" text,
	"imported_at" timestamp with time zone NOT NULL,
	"imported_by" text NOT NULL,
	CONSTRAINT "access_snapshots_system_key_username_resource_key_pk" PRIMARY KEY("system_key","username","resource_key")
);
--> statement-breakpoint
CREATE TABLE "drift_findings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_key" text NOT NULL,
	"first_run_id" integer NOT NULL,
	"last_run_id" integer NOT NULL,
	"identity_id" uuid,
	"username" text NOT NULL,
	"resource_key" text NOT NULL,
	"kind" text NOT NULL,
	"expected_level" text,
	"actual_level" text,
	"explanation" jsonb NOT NULL,
	"status" text NOT NULL,
	"resolution" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"operation_id" uuid,
	"exception_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "drift_findings_kind" CHECK ("drift_findings"."kind" in ('excess', 'missing', 'level')),
	CONSTRAINT "drift_findings_status" CHECK ("drift_findings"."status" in ('open', 'remediating', 'resolved', 'dismissed'))
);
--> statement-breakpoint
CREATE TABLE "drift_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"system_key" text NOT NULL,
	"trigger" text NOT NULL,
	"requested_by" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"actual_count" integer,
	"expected_count" integer,
	"excess_count" integer,
	"missing_count" integer,
	"level_count" integer,
	"remediated_count" integer,
	"duration_ms" integer,
	"error" text,
	CONSTRAINT "drift_runs_status" CHECK ("drift_runs"."status" in ('running', 'done', 'failed')),
	CONSTRAINT "drift_runs_trigger" CHECK ("drift_runs"."trigger" in ('schedule', 'on_demand'))
);
--> statement-breakpoint
CREATE TABLE "expected_access" (
	"identity_id" uuid NOT NULL,
	"resource_key" text NOT NULL,
	"system_key" text NOT NULL,
	"level" text,
	"policies" text[] NOT NULL,
	CONSTRAINT "expected_access_identity_id_resource_key_pk" PRIMARY KEY("identity_id","resource_key")
);
--> statement-breakpoint
CREATE TABLE "expected_access_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"fingerprint" text NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"people" integer NOT NULL,
	"grants" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_exceptions" DROP CONSTRAINT "access_exceptions_source";--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "username" text GENERATED ALWAYS AS (split_part(lower(email), '@', 1)) STORED;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "grace_days" integer;--> statement-breakpoint
ALTER TABLE "systems" ADD COLUMN "review_plans" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "systems" ADD COLUMN "grace_days" integer;--> statement-breakpoint
ALTER TABLE "systems" ADD COLUMN "drift_auto_remediate" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "access_plan_steps" ADD CONSTRAINT "access_plan_steps_plan_id_access_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."access_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_plan_steps" ADD CONSTRAINT "access_plan_steps_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_plan_steps" ADD CONSTRAINT "access_plan_steps_operation_id_provisioning_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."provisioning_operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_plan_steps" ADD CONSTRAINT "access_plan_steps_exception_id_access_exceptions_id_fk" FOREIGN KEY ("exception_id") REFERENCES "public"."access_exceptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_plans" ADD CONSTRAINT "access_plans_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_snapshots" ADD CONSTRAINT "access_snapshots_system_key_systems_key_fk" FOREIGN KEY ("system_key") REFERENCES "public"."systems"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_system_key_systems_key_fk" FOREIGN KEY ("system_key") REFERENCES "public"."systems"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_first_run_id_drift_runs_id_fk" FOREIGN KEY ("first_run_id") REFERENCES "public"."drift_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_last_run_id_drift_runs_id_fk" FOREIGN KEY ("last_run_id") REFERENCES "public"."drift_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_operation_id_provisioning_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."provisioning_operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_findings" ADD CONSTRAINT "drift_findings_exception_id_access_exceptions_id_fk" FOREIGN KEY ("exception_id") REFERENCES "public"."access_exceptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_runs" ADD CONSTRAINT "drift_runs_system_key_systems_key_fk" FOREIGN KEY ("system_key") REFERENCES "public"."systems"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expected_access" ADD CONSTRAINT "expected_access_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_plan_steps_plan_idx" ON "access_plan_steps" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "access_plan_steps_identity_idx" ON "access_plan_steps" USING btree ("identity_id");--> statement-breakpoint
CREATE INDEX "access_plans_identity_idx" ON "access_plans" USING btree ("identity_id","created_at");--> statement-breakpoint
CREATE INDEX "access_plans_review_idx" ON "access_plans" USING btree ("created_at") WHERE "access_plans"."status" = 'awaiting_review';--> statement-breakpoint
CREATE UNIQUE INDEX "drift_findings_open_key" ON "drift_findings" USING btree ("system_key","username","resource_key","kind") WHERE "drift_findings"."status" in ('open', 'remediating');--> statement-breakpoint
CREATE INDEX "drift_findings_identity_idx" ON "drift_findings" USING btree ("identity_id");--> statement-breakpoint
CREATE INDEX "drift_runs_system_idx" ON "drift_runs" USING btree ("system_key","id");--> statement-breakpoint
CREATE INDEX "expected_access_system_idx" ON "expected_access" USING btree ("system_key");--> statement-breakpoint
CREATE INDEX "identities_username_idx" ON "identities" USING btree ("username");--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_grace_days" CHECK ("resources"."grace_days" is null or "resources"."grace_days" between 0 and 365);--> statement-breakpoint
ALTER TABLE "systems" ADD CONSTRAINT "systems_grace_days" CHECK ("systems"."grace_days" is null or "systems"."grace_days" between 0 and 365);--> statement-breakpoint
ALTER TABLE "access_exceptions" ADD CONSTRAINT "access_exceptions_source" CHECK ("access_exceptions"."source" in ('request', 'admin', 'fallback', 'lifecycle'));