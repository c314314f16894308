ALTER TABLE "hr_sources" ADD COLUMN "owned_attributes" text[];--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "csv_owned_attributes" text[];--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "manual_owned_attributes" text[];