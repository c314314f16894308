ALTER TABLE "identities" ADD COLUMN "managed_by" text;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_managed_by_hr_sources_key_fk" FOREIGN KEY ("managed_by") REFERENCES "public"."hr_sources"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "identities_managed_by_idx" ON "identities" USING btree ("managed_by");