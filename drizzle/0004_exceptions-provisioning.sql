CREATE TABLE "access_exceptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"identity_id" uuid NOT NULL,
	"resource_key" text NOT NULL,
	"level" text,
	"source" text NOT NULL,
	"type" text NOT NULL,
	"justification" text NOT NULL,
	"references" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"restrictions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"approver_id" uuid,
	"approval_note" text,
	"approval_rule" text,
	"approved_at" timestamp with time zone NOT NULL,
	"fallback_name" text,
	"request_id" uuid,
	"template_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"delivered_at" timestamp with time zone,
	"extensions_used" integer DEFAULT 0 NOT NULL,
	"reminders_sent" integer[] DEFAULT '{}' NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" text,
	"ended_by" text,
	"end_note" text,
	"removal_delivered_at" timestamp with time zone,
	CONSTRAINT "access_exceptions_number_unique" UNIQUE("number"),
	CONSTRAINT "access_exceptions_type" CHECK ("access_exceptions"."type" in ('project', 'privilege_escalation', 'training', 'role_transition', 'vendor', 'fallback')),
	CONSTRAINT "access_exceptions_source" CHECK ("access_exceptions"."source" in ('request', 'admin', 'fallback')),
	CONSTRAINT "access_exceptions_status" CHECK ("access_exceptions"."status" in ('granting', 'active', 'grant_failed', 'removing', 'removed', 'revoke_failed')),
	CONSTRAINT "access_exceptions_expiry" CHECK ("access_exceptions"."expires_at" > "access_exceptions"."starts_at"),
	CONSTRAINT "access_exceptions_approved" CHECK (("access_exceptions"."source" = 'fallback' and "access_exceptions"."fallback_name" is not null and "access_exceptions"."type" = 'fallback') or ("access_exceptions"."source" <> 'fallback' and ("access_exceptions"."approver_id" is not null or "access_exceptions"."approval_rule" is not null) and "access_exceptions"."type" <> 'fallback')),
	CONSTRAINT "access_exceptions_justified" CHECK (length(trim("access_exceptions"."justification")) > 0),
	CONSTRAINT "access_exceptions_extensions" CHECK ("access_exceptions"."extensions_used" between 0 and 4),
	CONSTRAINT "access_exceptions_ended" CHECK (("access_exceptions"."ended_at" is null) = ("access_exceptions"."end_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "exception_extensions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"exception_id" uuid NOT NULL,
	"request_id" uuid,
	"ordinal" integer NOT NULL,
	"escalated" boolean NOT NULL,
	"justification" text NOT NULL,
	"previous_expires_at" timestamp with time zone NOT NULL,
	"new_expires_at" timestamp with time zone NOT NULL,
	"approved_by" text NOT NULL,
	"approved_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exception_extensions_ordinal" CHECK ("exception_extensions"."ordinal" between 1 and 4 and ("exception_extensions"."ordinal" <= 2 or "exception_extensions"."escalated")),
	CONSTRAINT "exception_extensions_later" CHECK ("exception_extensions"."new_expires_at" > "exception_extensions"."previous_expires_at")
);
--> statement-breakpoint
CREATE TABLE "exception_type_settings" (
	"type" text PRIMARY KEY NOT NULL,
	"max_duration_minutes" integer NOT NULL,
	"reminder_offsets_minutes" integer[] NOT NULL,
	"extensible" boolean NOT NULL,
	"escalated_approver_group" text,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "exception_type_settings_type" CHECK ("exception_type_settings"."type" in ('project', 'privilege_escalation', 'training', 'role_transition', 'vendor'))
);
--> statement-breakpoint
CREATE TABLE "adapter_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"system_key" text NOT NULL,
	"operation_id" uuid,
	"call" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"duration_ms" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "adapter_calls_outcome" CHECK ("adapter_calls"."outcome" in ('done', 'waiting', 'error'))
);
--> statement-breakpoint
CREATE TABLE "manual_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operation_id" uuid NOT NULL,
	"system_key" text NOT NULL,
	"description" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" text,
	CONSTRAINT "manual_tasks_operationId_unique" UNIQUE("operation_id"),
	CONSTRAINT "manual_tasks_status" CHECK ("manual_tasks"."status" in ('open', 'done'))
);
--> statement-breakpoint
CREATE TABLE "provisioning_operations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"system_key" text NOT NULL,
	"identity_id" uuid NOT NULL,
	"resource_key" text NOT NULL,
	"level" text,
	"action" text NOT NULL,
	"exception_id" uuid,
	"failure_mode" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "provisioning_operations_action" CHECK ("provisioning_operations"."action" in ('grant', 'revoke')),
	CONSTRAINT "provisioning_operations_status" CHECK ("provisioning_operations"."status" in ('pending', 'waiting', 'done', 'failed')),
	CONSTRAINT "provisioning_operations_failure_mode" CHECK ("provisioning_operations"."failure_mode" in ('ignore', 'retry', 'block'))
);
--> statement-breakpoint
CREATE TABLE "fallback_policies" (
	"name" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"definition" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "systems" ADD COLUMN "adapter_config" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "approval_stages" jsonb;--> statement-breakpoint
ALTER TABLE "request_templates" ADD COLUMN "origin" text DEFAULT 'catalog' NOT NULL;--> statement-breakpoint
ALTER TABLE "access_exceptions" ADD CONSTRAINT "access_exceptions_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_exceptions" ADD CONSTRAINT "access_exceptions_resource_key_resources_key_fk" FOREIGN KEY ("resource_key") REFERENCES "public"."resources"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_exceptions" ADD CONSTRAINT "access_exceptions_approver_id_identities_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_exceptions" ADD CONSTRAINT "access_exceptions_request_id_access_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."access_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_exceptions" ADD CONSTRAINT "access_exceptions_template_id_request_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."request_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exception_extensions" ADD CONSTRAINT "exception_extensions_exception_id_access_exceptions_id_fk" FOREIGN KEY ("exception_id") REFERENCES "public"."access_exceptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exception_extensions" ADD CONSTRAINT "exception_extensions_request_id_access_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."access_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exception_type_settings" ADD CONSTRAINT "exception_type_settings_escalated_approver_group_approver_groups_key_fk" FOREIGN KEY ("escalated_approver_group") REFERENCES "public"."approver_groups"("key") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adapter_calls" ADD CONSTRAINT "adapter_calls_operation_id_provisioning_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."provisioning_operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manual_tasks" ADD CONSTRAINT "manual_tasks_operation_id_provisioning_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."provisioning_operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD CONSTRAINT "provisioning_operations_system_key_systems_key_fk" FOREIGN KEY ("system_key") REFERENCES "public"."systems"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD CONSTRAINT "provisioning_operations_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD CONSTRAINT "provisioning_operations_exception_id_access_exceptions_id_fk" FOREIGN KEY ("exception_id") REFERENCES "public"."access_exceptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_exceptions_open_idx" ON "access_exceptions" USING btree ("expires_at") WHERE "access_exceptions"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "access_exceptions_identity_idx" ON "access_exceptions" USING btree ("identity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "access_exceptions_request_resource" ON "access_exceptions" USING btree ("request_id","resource_key");--> statement-breakpoint
CREATE UNIQUE INDEX "exception_extensions_ordinal_idx" ON "exception_extensions" USING btree ("exception_id","ordinal");--> statement-breakpoint
CREATE INDEX "adapter_calls_system_idx" ON "adapter_calls" USING btree ("system_key","id");--> statement-breakpoint
CREATE INDEX "provisioning_operations_due_idx" ON "provisioning_operations" USING btree ("next_attempt_at") WHERE "provisioning_operations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "provisioning_operations_system_idx" ON "provisioning_operations" USING btree ("system_key","created_at");--> statement-breakpoint
CREATE INDEX "provisioning_operations_exception_idx" ON "provisioning_operations" USING btree ("exception_id");