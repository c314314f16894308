CREATE TABLE "resource_owners" (
	"resource_id" uuid NOT NULL,
	"identity_id" uuid NOT NULL,
	CONSTRAINT "resource_owners_resource_id_identity_id_pk" PRIMARY KEY("resource_id","identity_id")
);
--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "display_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "sensitivity" text DEFAULT 'medium' NOT NULL;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "requestable" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "resources" ADD COLUMN "default_template_key" text;--> statement-breakpoint
ALTER TABLE "resource_owners" ADD CONSTRAINT "resource_owners_resource_id_resources_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."resources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_owners" ADD CONSTRAINT "resource_owners_identity_id_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resource_owners_identity_idx" ON "resource_owners" USING btree ("identity_id");--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_default_template_key_request_templates_key_fk" FOREIGN KEY ("default_template_key") REFERENCES "public"."request_templates"("key") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "resources" ADD CONSTRAINT "resources_sensitivity" CHECK ("resources"."sensitivity" in ('low', 'medium', 'high', 'critical'));--> statement-breakpoint
-- Each resource's one owner becomes its first entry in resource_owners (the next migration drops owner_id).
INSERT INTO "resource_owners" ("resource_id", "identity_id") SELECT "id", "owner_id" FROM "resources" WHERE "owner_id" IS NOT NULL;
