/**
 * Vendor logins on PostgreSQL (README.md, "Vendor logins"): a login role that exists only for one
 * outside person's restricted access is marked by membership in a NOLOGIN marker role. Only such
 * a login gets VALID UNTIL (the exception's expiry) and CONNECTION LIMIT (the session limit, or 0
 * once it holds nothing): on a login shared with other access, either would cut that access too.
 *
 * The adapter's own role stays without CREATEROLE (which on PostgreSQL 15 can grant itself
 * pg_read_all_data): it calls one SECURITY DEFINER function, created by a superuser, that
 * changes those two attributes and nothing else, and only on marked plain login roles.
 */

export const DEFAULT_VENDOR_MARKER_ROLE = "clearance_vendor_login";
export const DEFAULT_RESTRICT_FUNCTION = "clearance_restrict_login";

/** A plain SQL identifier (what the setup SQL and the config accept; no quoting games). */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The setup SQL a DBA runs once as superuser, in the database the adapter connects to. */
export function vendorLoginSetupSql({
  markerRole = DEFAULT_VENDOR_MARKER_ROLE,
  restrictFunction = DEFAULT_RESTRICT_FUNCTION,
  adapterRole = "clearance_adapter",
} = {}): string {
  for (const name of [markerRole, restrictFunction, adapterRole]) {
    if (!SQL_IDENTIFIER.test(name)) throw new Error(`${name} is not a plain SQL identifier`);
  }
  return `-- Marks the login roles that exist only for one vendor's access (it grants nothing itself).
CREATE ROLE ${markerRole} NOLOGIN;
-- For each vendor login: GRANT ${markerRole} TO <vendor login>;

-- Sets VALID UNTIL and CONNECTION LIMIT (NULL: leave as is) on a marked plain login role, nothing else.
CREATE FUNCTION ${restrictFunction}(login name, valid_until timestamptz, connection_limit integer)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  target pg_roles%ROWTYPE;
BEGIN
  SELECT * INTO target FROM pg_roles WHERE rolname = login;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'role "%" does not exist', login USING ERRCODE = '42704';
  END IF;
  IF target.rolsuper OR target.rolreplication OR target.rolbypassrls OR target.rolcreaterole OR target.rolcreatedb OR NOT target.rolcanlogin THEN
    RAISE EXCEPTION '"%" is not a plain login role: refused', login USING ERRCODE = '42501';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = '${markerRole}'::regrole AND member = target.oid) THEN
    RAISE EXCEPTION '"%" is not a vendor login (not a member of ${markerRole}): refused', login USING ERRCODE = '42501';
  END IF;
  IF connection_limit IS NOT NULL AND (connection_limit < -1 OR connection_limit > 1000) THEN
    RAISE EXCEPTION 'connection limit % is out of range', connection_limit USING ERRCODE = '22023';
  END IF;
  IF valid_until IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I VALID UNTIL %L', login, valid_until);
  END IF;
  IF connection_limit IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT %s', login, connection_limit);
  END IF;
END
$$;
REVOKE ALL ON FUNCTION ${restrictFunction}(name, timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ${restrictFunction}(name, timestamptz, integer) TO ${adapterRole};
`;
}
