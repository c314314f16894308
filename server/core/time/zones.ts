/** The zone of a new install, and of anyone whose browser has not said theirs yet. */
export const DEFAULT_TIME_ZONE = "UTC";

let known: Set<string> | undefined;
const knownZones = () => (known ??= new Set(["UTC", ...Intl.supportedValuesOf("timeZone")]));

/**
 * The IANA name Intl uses for a zone ("Etc/UTC" → "UTC"), or null when it is not one it knows.
 * Browsers and ICU versions differ on aliases (Asia/Kolkata, Asia/Calcutta), so a name is
 * resolved first and then checked against the runtime's list.
 */
export function canonicalTimeZone(name: string): string | null {
  if (!name || name.length > 64) return null;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    return knownZones().has(resolved) ? resolved : null;
  } catch {
    return null;
  }
}

/** Every zone a person may choose, UTC first, then alphabetical. */
export function timeZoneNames(): string[] {
  return [...knownZones()];
}

export const timeZoneMessage = "must be an IANA time zone such as Europe/Berlin or UTC";
