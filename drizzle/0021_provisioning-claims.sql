ALTER TABLE "provisioning_operations" ADD COLUMN "claim_token" uuid;--> statement-breakpoint
ALTER TABLE "provisioning_operations" ADD COLUMN "lease_until" timestamp with time zone;