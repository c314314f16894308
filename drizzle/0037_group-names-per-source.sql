DROP INDEX "directory_groups_name_key";--> statement-breakpoint
CREATE UNIQUE INDEX "directory_groups_source_name_key" ON "directory_groups" USING btree ("managed_by",lower("display_name"));