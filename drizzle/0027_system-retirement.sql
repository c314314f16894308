ALTER TABLE "systems" ADD COLUMN "retired_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "systems" ADD COLUMN "retired_reason" text;--> statement-breakpoint
ALTER TABLE "systems" ADD CONSTRAINT "systems_retired" CHECK (("systems"."retired_at" is null) = ("systems"."retired_reason" is null));