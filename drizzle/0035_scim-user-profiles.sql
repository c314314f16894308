CREATE TABLE "scim_user_profiles" (
	"identity_id" uuid PRIMARY KEY NOT NULL,
	"user_name" text NOT NULL,
	"external_id" text,
	"display_name" text,
	"name" jsonb,
	"emails" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"phone_numbers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"employee_number" text,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "hr_sources" ADD COLUMN "scim_sign_in_email" text DEFAULT 'primary_email' NOT NULL;--> statement-breakpoint
ALTER TABLE "scim_user_profiles" ADD CONSTRAINT "scim_user_profiles_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scim_user_profiles_user_name_key" ON "scim_user_profiles" USING btree (lower("user_name")) WHERE "scim_user_profiles"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "scim_user_profiles_external_id_idx" ON "scim_user_profiles" USING btree ("external_id");--> statement-breakpoint
ALTER TABLE "hr_sources" ADD CONSTRAINT "hr_sources_scim_sign_in_email" CHECK ("hr_sources"."scim_sign_in_email" in ('primary_email', 'user_name'));