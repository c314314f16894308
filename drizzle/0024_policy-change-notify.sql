-- The active policy set is kept per process between calls (server/services/policies/engine.ts,
-- issue 14): compiling it on every read cost My access 15-30 ms of CPU. Every change to what the
-- set is built from announces itself here, in the writing transaction (delivered only if it
-- commits), so every instance loads the set again on its next call. Statement-level: one notice per
-- statement, whatever it touched; systems only when their keys or access levels change.
CREATE OR REPLACE FUNCTION clearance_notify_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('clearance_policy_changed', '*');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER policy_set_versions_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_set_versions FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_policy_changed();--> statement-breakpoint
CREATE TRIGGER policy_files_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_files FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_policy_changed();--> statement-breakpoint
CREATE TRIGGER attribute_aliases_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attribute_aliases FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_policy_changed();--> statement-breakpoint
CREATE TRIGGER attribute_scales_policy_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON attribute_scales FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_policy_changed();--> statement-breakpoint
CREATE TRIGGER systems_policy_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF key, access_levels ON systems FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_policy_changed();
