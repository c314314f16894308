-- The session cache (server/services/session-cache.ts, issue 14) keeps who is behind a session for
-- a few seconds on each instance. Every change to what it holds announces itself here, in the
-- writing transaction (a NOTIFY is delivered only when, and if, the transaction commits), so every
-- instance drops the person's entries the moment the change commits, whoever made it: a service,
-- the CLI, HR sync, SQL by hand. Payload: the identity's id, or '*' for "anything may have changed".
CREATE OR REPLACE FUNCTION clearance_notify_actor_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('clearance_actor_changed', '*');
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'identities' THEN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('clearance_actor_changed', OLD.id::text); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('clearance_actor_changed', NEW.id::text); END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('clearance_actor_changed', OLD.identity_id::text); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('clearance_actor_changed', NEW.identity_id::text); END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- A person: only what the cached actor holds (whether Active, email, name); other columns change often (HR sync).
CREATE TRIGGER identities_actor_changed AFTER UPDATE OF employment_status, email, display_name, id ON identities FOR EACH ROW
  WHEN (OLD.employment_status IS DISTINCT FROM NEW.employment_status OR OLD.email IS DISTINCT FROM NEW.email
        OR OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
CREATE TRIGGER identities_actor_deleted AFTER DELETE ON identities FOR EACH ROW EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
CREATE TRIGGER identities_actor_truncated AFTER TRUNCATE ON identities FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
-- Portal roles: any grant or removal.
CREATE TRIGGER portal_roles_actor_changed AFTER INSERT OR UPDATE OR DELETE ON portal_role_assignments FOR EACH ROW EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
CREATE TRIGGER portal_roles_actor_truncated AFTER TRUNCATE ON portal_role_assignments FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
-- Sessions: ended (sign-out, termination, an admin), shortened, moved or removed. A new session needs no notice.
CREATE TRIGGER portal_sessions_actor_changed AFTER UPDATE ON portal_sessions FOR EACH ROW
  WHEN (OLD.ended_at IS DISTINCT FROM NEW.ended_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.identity_id IS DISTINCT FROM NEW.identity_id OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
CREATE TRIGGER portal_sessions_actor_deleted AFTER DELETE ON portal_sessions FOR EACH ROW EXECUTE FUNCTION clearance_notify_actor_changed();--> statement-breakpoint
CREATE TRIGGER portal_sessions_actor_truncated AFTER TRUNCATE ON portal_sessions FOR EACH STATEMENT EXECUTE FUNCTION clearance_notify_actor_changed();
