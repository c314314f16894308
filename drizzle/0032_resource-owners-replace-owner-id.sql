ALTER TABLE "resources" DROP CONSTRAINT "resources_owner_id_identities_id_fk";
--> statement-breakpoint
ALTER TABLE "resources" DROP COLUMN "owner_id";