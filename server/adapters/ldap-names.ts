/**
 * LDAP names for the LDAP adapter (ldap.ts): escaping values in DNs and search filters, parsing a
 * DN, the group names of "resource" naming, and reading a username back from a member's DN.
 */

/** Escapes an attribute value for use in a DN (RFC 4514 section 2.4). */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\",+;<>=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ")
    .replace(/\0/g, "\\00");
}

/** The DN of the group named `cn` under `groupBaseDn`. */
export function groupDn(cn: string, groupBaseDn: string): string {
  return `cn=${escapeDnValue(cn)},${groupBaseDn}`;
}

/** Escapes a value for use in a search filter (RFC 4515 section 3). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The cn of a resource's group in "resource" naming: its key, and its level in parentheses. */
export function resourceGroupCn(resource: string, level: string | null): string {
  return level ? `${resource} (${level})` : resource;
}

/** Reads a "resource" naming cn back: the resource key and its level. */
export function parseResourceGroupCn(cn: string): { resource: string; level: string | null } {
  const m = /^(.*) \(([^()]+)\)$/.exec(cn);
  return m ? { resource: m[1]!, level: m[2]! } : { resource: cn, level: null };
}

interface Rdn {
  type: string;
  value: string;
}

/** Splits a DN string into its RDNs, unescaping values (\, and \2C alike). Multi-valued RDNs stay whole. */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  let type = "";
  let bytes: number[] = [];
  let inValue = false;
  const flush = () => {
    rdns.push({ type: type.trim().toLowerCase(), value: Buffer.from(bytes).toString("utf8").trim() });
    type = "";
    bytes = [];
    inValue = false;
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] ?? "";
    if (!inValue) {
      if (c === "=") inValue = true;
      else type += c;
    } else if (c === "\\") {
      const hex = dn.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(dn[i + 1] ?? "", "utf8"));
        i += 1;
      }
    } else if (c === ",") {
      flush();
    } else {
      bytes.push(...Buffer.from(c, "utf8"));
    }
  }
  if (type || inValue) flush();
  return rdns;
}

/** Reads the username back out of a member DN built from the template, or null when it is not a user's DN. */
export function usernameMatcher(userDnTemplate: string): (memberDn: string) => string | null {
  const template = parseDn(userDnTemplate);
  return (memberDn) => {
    const rdns = parseDn(memberDn);
    if (rdns.length !== template.length) return null;
    let username: string | null = null;
    for (const [i, expected] of template.entries()) {
      const actual = rdns[i];
      if (!actual || actual.type !== expected.type) return null;
      const at = expected.value.indexOf("{username}");
      if (at < 0) {
        if (actual.value.toLowerCase() !== expected.value.toLowerCase()) return null;
        continue;
      }
      const prefix = expected.value.slice(0, at);
      const suffix = expected.value.slice(at + "{username}".length);
      if (
        !actual.value.startsWith(prefix) ||
        !actual.value.endsWith(suffix) ||
        actual.value.length <= prefix.length + suffix.length
      )
        return null;
      username = actual.value.slice(prefix.length, actual.value.length - suffix.length);
    }
    return username;
  };
}
