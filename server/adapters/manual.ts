import { describeRestrictions } from "@/server/core/exceptions/restrictions";
import type { AccessTarget, Adapter } from "./types";

/** ", with MFA required, only from 203.0.113.0/24 …, until 2026-12-15 00:00 UTC" for a vendor's grant: IT sets them by hand. */
function conditions(target: AccessTarget): string {
  const terms = describeRestrictions(target.restrictions);
  if (terms.length === 0) return "";
  const until = target.expiresAt ? `, until ${target.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
  return `, with these restrictions: ${terms.join("; ")}${until}`;
}

/**
 * For systems with no API: every change is a task for IT. The service layer creates and tracks
 * the task from the `waiting` result; nothing can be read back, so listActual reports nothing.
 */
export function manualAdapter(): Adapter {
  return {
    kind: "manual",
    canList: false,
    grant: async (target) => ({
      status: "waiting",
      detail: `A task for IT: grant ${target.resource} to ${target.email}${conditions(target)}`,
    }),
    revoke: async (target) => ({
      status: "waiting",
      detail: `A task for IT: revoke ${target.resource} from ${target.email}`,
    }),
    listActual: async () => [],
    health: async () => ({ ok: true, detail: "manual: IT does it by hand" }),
    close: async () => undefined,
  };
}
