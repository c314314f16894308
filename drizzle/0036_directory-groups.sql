CREATE TABLE "directory_group_members" (
	"group_id" uuid NOT NULL,
	"identity_id" uuid NOT NULL,
	CONSTRAINT "directory_group_members_group_id_identity_id_pk" PRIMARY KEY("group_id","identity_id")
);
--> statement-breakpoint
CREATE TABLE "directory_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"managed_by" text NOT NULL,
	"display_name" text NOT NULL,
	"external_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "groups" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "directory_group_members" ADD CONSTRAINT "directory_group_members_group_id_directory_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."directory_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_group_members" ADD CONSTRAINT "directory_group_members_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directory_groups" ADD CONSTRAINT "directory_groups_managed_by_hr_sources_key_fk" FOREIGN KEY ("managed_by") REFERENCES "public"."hr_sources"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "directory_group_members_identity_idx" ON "directory_group_members" USING btree ("identity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "directory_groups_name_key" ON "directory_groups" USING btree (lower("display_name"));--> statement-breakpoint
CREATE INDEX "directory_groups_managed_by_idx" ON "directory_groups" USING btree ("managed_by");--> statement-breakpoint
CREATE INDEX "directory_groups_external_id_idx" ON "directory_groups" USING btree ("external_id");