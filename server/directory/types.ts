import { z } from "zod";
import type { HrAttribute } from "@/server/core/identity/attributes";

/**
 * Directory pull (issue 16, point 5): an identity provider that is the source of truth but
 * cannot push over SCIM is read on a schedule and on demand. A connector reads the directory
 * through its vendor's official SDK and says what it found; the sync service
 * (server/services/directory/sync.ts) applies it as the source's writes, with the source's
 * attribute ownership and scoping. A connector does no database work.
 */

/** One person as the directory has them. */
export interface DirectoryUser {
  /** the directory's own id (Okta 00u…, Entra object id, Google user id) */
  remoteId: string;
  /** the sign-in email (Okta profile.login/email, Entra mail else userPrincipalName, Google primaryEmail) */
  email: string;
  displayName: string;
  /** false: suspended, deprovisioned, accountEnabled false */
  active: boolean;
  /** the manager's remoteId, when the directory links one; null: no manager; absent: it does not say */
  managerRemoteId?: string | null;
  /** the manager's email, for directories that name the manager by email (Okta's managerId is often one) */
  managerEmail?: string | null;
  /** the HR id, when the directory holds one (employeeNumber, employeeId) */
  employeeNumber?: string | null;
  /** HR attributes the directory holds; an attribute it has no field for is absent, an empty one null */
  attributes: Partial<Record<Exclude<HrAttribute, "manager" | "groups" | "employment_status">, string | null>>;
}

/** A group and who is in it. `members` is everyone (set) or what changed since the cursor (add/remove). */
export interface DirectoryGroup {
  remoteId: string;
  /** absent in a delta that changed only the members */
  name?: string;
  members: { set: string[] } | { add: string[]; remove: string[] };
}

/**
 * What one read found. `full`: every user and group the directory has (anyone the source pulled
 * before who is missing has left it). `delta`: only what changed since the cursor given.
 */
export interface DirectoryRead {
  kind: "full" | "delta";
  users: DirectoryUser[];
  /** users deleted from the directory (delta only; a full read says it by leaving them out) */
  removedUserIds: string[];
  groups: DirectoryGroup[];
  /** groups deleted (delta only) */
  removedGroupIds: string[];
  /** where the next read starts (a delta link, a timestamp); null: the next read is full */
  cursor: string | null;
  /** requests made and how often the directory said 429 (the connector waited as it asked) */
  stats: { requests: number; throttled: number };
}

export interface DirectoryHealth {
  ok: boolean;
  /** what works, or exactly what is missing ("the token lacks okta.groups.read") */
  detail: string;
}

export interface DirectoryConnector {
  readonly kind: "okta" | "entra" | "google";
  /** Everything (cursor null), or what changed since the cursor when the directory can say. */
  read(cursor: string | null): Promise<DirectoryRead>;
  health(): Promise<DirectoryHealth>;
}

/**
 * A directory's address: https, or plain http only to this machine (a local test org). A token
 * sent over plain http to another host could be read on the way.
 */
export const directoryUrl = z.url().refine(
  (u) => {
    // not a URL at all: z.url() says so already (zod runs this check too)
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return (
      url.protocol === "https:" || (url.protocol === "http:" && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(url.hostname))
    );
  },
  { error: "use https (plain http is accepted only for 127.0.0.1 or localhost)" },
);
