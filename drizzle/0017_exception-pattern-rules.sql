-- Seed 000's exception patterns keep their rules (issue 12, point 7), whatever was saved before
-- and whatever the code does. Written to be run again safely (the tests re-run it on bad rows).
--
-- 1. Type settings saved before the rules: privilege escalation and role transition are never
--    extended, and privilege escalation lasts at most 24 hours (its reminders stay within it).
UPDATE exception_type_settings
SET extensible = false,
    max_duration_minutes = CASE WHEN type = 'privilege_escalation' THEN least(max_duration_minutes, 1440) ELSE max_duration_minutes END,
    reminder_offsets_minutes = ARRAY(
      SELECT o FROM unnest(reminder_offsets_minutes) AS o
      WHERE o < CASE WHEN type = 'privilege_escalation' THEN least(max_duration_minutes, 1440) ELSE max_duration_minutes END
      ORDER BY o DESC),
    updated_at = now(),
    updated_by = 'migration 0017_exception-pattern-rules (issue 12)'
WHERE type IN ('privilege_escalation', 'role_transition')
  AND (extensible OR (type = 'privilege_escalation' AND max_duration_minutes > 1440));--> statement-breakpoint
ALTER TABLE exception_type_settings DROP CONSTRAINT IF EXISTS exception_type_settings_pattern_rules;--> statement-breakpoint
ALTER TABLE exception_type_settings ADD CONSTRAINT exception_type_settings_pattern_rules CHECK (
  (type NOT IN ('privilege_escalation', 'role_transition') OR NOT extensible)
  AND (type <> 'privilege_escalation' OR max_duration_minutes <= 1440));--> statement-breakpoint
-- 2. An exception of those types never gets a later expiry, by an extension row or by any update.
CREATE OR REPLACE FUNCTION access_exceptions_refuse_renewal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text;
BEGIN
  IF TG_TABLE_NAME = 'exception_extensions' THEN
    SELECT type INTO kind FROM access_exceptions WHERE id = NEW.exception_id;
  ELSIF NEW.expires_at > OLD.expires_at THEN
    kind := NEW.type;
  END IF;
  IF kind IN ('privilege_escalation', 'role_transition') THEN
    RAISE EXCEPTION 'a % exception is never extended (seed 000)', replace(kind, '_', ' ') USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
DROP TRIGGER IF EXISTS exception_extensions_pattern_rules ON exception_extensions;--> statement-breakpoint
CREATE TRIGGER exception_extensions_pattern_rules BEFORE INSERT ON exception_extensions FOR EACH ROW EXECUTE FUNCTION access_exceptions_refuse_renewal();--> statement-breakpoint
DROP TRIGGER IF EXISTS access_exceptions_pattern_rules ON access_exceptions;--> statement-breakpoint
CREATE TRIGGER access_exceptions_pattern_rules BEFORE UPDATE OF expires_at ON access_exceptions FOR EACH ROW EXECUTE FUNCTION access_exceptions_refuse_renewal();--> statement-breakpoint
-- 3. Vendor templates saved before restrictions existed carry seed 000's: MFA required and
--    sessions of at most 8 hours. Requests still open on them get these at approval.
UPDATE request_templates
SET definition = jsonb_set(definition, '{restrictions}', '{"ipAllowList": [], "requesterSuppliesIpAllowList": false, "mfaRequired": true, "sessionMinutes": 480, "maxSessions": null}'::jsonb),
    updated_at = now(),
    updated_by = 'migration 0017_exception-pattern-rules (issue 12)'
WHERE definition->>'exceptionType' = 'vendor' AND NOT (definition ? 'restrictions');
