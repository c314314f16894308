import { DomainError } from "../errors";
import { formatDuration } from "../requests/template";
import { assertExtensibleType } from "./patterns";
import { MAX_EXTENSIONS, ORDINARY_EXTENSIONS, type ExceptionType, type TypeSettings } from "./types";

/** Refuses an exception that does not end, ends before it starts, or lasts longer than its type allows. */
export function checkExceptionWindow(
  type: ExceptionType,
  settings: TypeSettings,
  startsAt: Date,
  expiresAt: Date | null | undefined,
) {
  if (!expiresAt)
    throw new DomainError("INVALID_INPUT", "An exception needs an expiry: permanent access belongs in a policy", {
      field: "expiresAt",
    });
  if (expiresAt <= startsAt)
    throw new DomainError("INVALID_INPUT", "The expiry must be after the start", { field: "expiresAt" });
  const minutes = (expiresAt.getTime() - startsAt.getTime()) / 60_000;
  // A day of slack: day-long access runs to the end of its last day.
  if (minutes > settings.maxDurationMinutes + (settings.maxDurationMinutes >= 24 * 60 ? 24 * 60 : 0)) {
    throw new DomainError(
      "INVALID_INPUT",
      `A ${type.replace("_", " ")} exception lasts at most ${formatDuration(settings.maxDurationMinutes)}`,
      { field: "expiresAt" },
    );
  }
}

export type ExtensionApproval = { escalated: false } | { escalated: true; group: string };

/**
 * Who must approve the next extension (invariant 9): the original approvers for the first two,
 * the type's escalated approver group for the third and fourth, nobody after that. Privilege
 * escalation and role transition are never extended, whatever the settings say (patterns.ts).
 */
export function nextExtensionApproval(
  e: { type: string; extensionsUsed: number },
  settings: TypeSettings,
): ExtensionApproval {
  if (e.type === "fallback")
    throw new DomainError("PRECONDITION_FAILED", "Fallback access is not extended: ask for it again", {
      field: "exceptionId",
    });
  assertExtensibleType(e.type);
  if (!settings.extensible) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `A ${e.type.replace("_", " ")} exception has a hard expiry and cannot be extended`,
      { field: "exceptionId" },
    );
  }
  if (e.extensionsUsed >= MAX_EXTENSIONS) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `This exception was extended ${MAX_EXTENSIONS} times: access needed for this long belongs in a policy`,
      { field: "exceptionId" },
    );
  }
  if (e.extensionsUsed < ORDINARY_EXTENSIONS) return { escalated: false };
  if (!settings.escalatedApproverGroup) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `A third extension needs an escalated approver, and none is set for ${e.type.replace("_", " ")} exceptions`,
      { field: "exceptionId" },
    );
  }
  return { escalated: true, group: settings.escalatedApproverGroup };
}

/** Seconds to wait before attempt n+1 of an adapter call: 5 s, 10 s, 20 s, ... at most 15 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
}
