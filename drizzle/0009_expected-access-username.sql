ALTER TABLE "expected_access" ADD COLUMN "username" text;--> statement-breakpoint
UPDATE "expected_access" x SET "username" = i."username" FROM "identities" i WHERE i."id" = x."identity_id";--> statement-breakpoint
ALTER TABLE "expected_access" ALTER COLUMN "username" SET NOT NULL;--> statement-breakpoint
-- A person's new email is a new account name: their expected access follows it.
CREATE FUNCTION "expected_access_follow_username"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "expected_access" SET "username" = NEW."username" WHERE "identity_id" = NEW."id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "expected_access_follow_username" AFTER UPDATE OF "email" ON "identities"
  FOR EACH ROW WHEN (OLD."username" IS DISTINCT FROM NEW."username") EXECUTE FUNCTION "expected_access_follow_username"();
