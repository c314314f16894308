-- Audited writes no longer take a cluster-wide lock (issue 14): writers insert an event's content
-- with an empty link, and the sequencer (server/services/audit-sequencer.ts) fills seq, prev_hash,
-- hash and key_id once, in commit order. The chain's order is seq; existing events keep their
-- links and get seq in id order, the order they were chained in under the old lock.
ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_append_only";--> statement-breakpoint
UPDATE "audit_events" AS e SET "seq" = o."seq"
FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS "seq" FROM "audit_events") AS o
WHERE e."id" = o."id";--> statement-breakpoint
ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_append_only";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_seq_idx" ON "audit_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_events_unchained_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."seq" is null;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_link_check" CHECK (("audit_events"."seq" is null and "audit_events"."prev_hash" is null and "audit_events"."hash" is null and "audit_events"."key_id" is null) or ("audit_events"."seq" is not null and "audit_events"."prev_hash" is not null and "audit_events"."hash" is not null));--> statement-breakpoint
-- Still append-only, for the owner too: the one change allowed is the sequencer's single fill of
-- an empty link (all four link columns set at once, every other column as it was). The app role
-- may update only those four columns (server/db/roles.ts), so content is refused before this runs.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Nested: OLD and NEW are not assigned for TRUNCATE.
  IF TG_OP = 'UPDATE' THEN
    IF OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL AND OLD.key_id IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.key_id IS NOT NULL
       AND to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash', 'key_id'] = to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash', 'key_id']
    THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is refused', TG_OP USING ERRCODE = '42501';
END
$$;
