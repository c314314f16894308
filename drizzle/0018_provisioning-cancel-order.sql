ALTER TABLE "manual_tasks" DROP CONSTRAINT "manual_tasks_status";--> statement-breakpoint
ALTER TABLE "provisioning_operations" DROP CONSTRAINT "provisioning_operations_status";--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "provisioning_operations_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD COLUMN "cancel_reason" text;--> statement-breakpoint
CREATE INDEX "provisioning_operations_key_seq_idx" ON "provisioning_operations" USING btree ("identity_id","resource_key","seq");--> statement-breakpoint
ALTER TABLE "manual_tasks" ADD CONSTRAINT "manual_tasks_status" CHECK ("manual_tasks"."status" in ('open', 'done', 'cancelled'));--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD CONSTRAINT "provisioning_operations_status" CHECK ("provisioning_operations"."status" in ('pending', 'waiting', 'done', 'failed', 'cancelled'));