/**
 * The contract every target-system adapter implements (server/adapters/README.md).
 * Calls are idempotent: granting what is already there and revoking what is not both succeed.
 */

/**
 * Vendor restrictions kept on an exception (seed 000, pattern 5) and passed to adapters, which
 * enforce what their system can (README.md says which): where the person may connect from,
 * whether a second factor is required, how long one session may last, how many at once.
 */
export interface Restrictions {
  ipAllowList?: string[];
  mfaRequired?: boolean;
  sessionMinutes?: number;
  maxSessions?: number;
}

/** One person's access to one resource, as an adapter needs it. */
export interface AccessTarget {
  /** the person's email, e.g. sarah.chen@company.com */
  email: string;
  /** the account name on the target system: the email's local part, e.g. sarah.chen */
  username: string;
  /** system:type:name, e.g. ldap:group:finance-reports */
  resource: string;
  /** the resource's type and name parts, e.g. "group" and "finance-reports" */
  type: string;
  name: string;
  level: string | null;
  restrictions?: Restrictions;
  /** when the exception behind this grant expires (Clearance revokes then); null for access from policy */
  expiresAt?: Date | null;
  /** a stable id for this operation, so a target that supports it can drop repeats */
  operationId: string;
}

/** Access a system reports, for drift detection. */
export interface ActualAccess {
  username: string;
  resource: string;
  level: string | null;
}

/** `done`: the system confirmed. `waiting`: a person must act (the manual adapter's tasks). */
export type AdapterResult = { status: "done"; detail?: string } | { status: "waiting"; detail: string };

export interface AdapterHealth {
  ok: boolean;
  detail: string;
}

export interface Adapter {
  readonly kind: string;
  grant(target: AccessTarget): Promise<AdapterResult>;
  revoke(target: AccessTarget): Promise<AdapterResult>;
  /** Everything the adapter manages on the system, as the system reports it. */
  listActual(): Promise<ActualAccess[]>;
  /** false when the system cannot be read back (manual work): drift detection skips it. Default true. */
  readonly canList?: boolean;
  /** Whether listActual would report this resource (drift only calls access "missing" then). Default: all. */
  manages?(resource: string): boolean;
  /**
   * The resources the system has that this adapter could manage (LDAP groups, PostgreSQL roles),
   * for IT's catalog discovery; absent when the system cannot list them.
   */
  listResources?(): Promise<{ type: string; name: string; description?: string }[]>;
  health(): Promise<AdapterHealth>;
  /** Releases connections. */
  close(): Promise<void>;
}

/**
 * A failure an adapter reports. `retryable`: trying again later may help (the system is down,
 * a timeout); otherwise it will fail the same way until someone changes something.
 */
export class AdapterError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "AdapterError";
  }
}

/** "; not enforced by <system>: MFA, IP allow list …" for restrictions a system cannot enforce, or "". */
export function unenforcedRestrictions(
  system: string,
  r: Restrictions | undefined,
  what: readonly (keyof Restrictions)[],
): string {
  const names: Record<keyof Restrictions, string | false> = {
    mfaRequired: r?.mfaRequired === true && "MFA",
    ipAllowList: Boolean(r?.ipAllowList?.length) && `IP allow list ${r!.ipAllowList!.join(", ")}`,
    sessionMinutes: Boolean(r?.sessionMinutes) && `${r!.sessionMinutes}-minute sessions`,
    maxSessions: Boolean(r?.maxSessions) && `at most ${r!.maxSessions} sessions`,
  };
  const left = what.map((k) => names[k]).filter(Boolean);
  return left.length ? `; not enforced by ${system}: ${left.join(", ")}` : "";
}
