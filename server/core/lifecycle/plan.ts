import { diffGrants } from "../policy/impact";
import type { ExpectedGrant } from "../policy/types";

/** Days a transfer keeps access it no longer needs, unless a system or resource says otherwise (seed 001). */
export const DEFAULT_GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

export type PlanKind = "joiner" | "mover" | "leaver" | "change";

export interface PlannedStep {
  resource: string;
  system: string;
  action: "grant" | "revoke" | "change_level";
  level: string | null;
  previousLevel: string | null;
  reason: string;
  graceDays: number;
  dueAt: Date;
}

export interface PlanInput {
  /** expected grants before the change; null for a new person */
  before: readonly ExpectedGrant[] | null;
  after: readonly ExpectedGrant[];
  /** whether the person is Active after the change (someone who is not gets nothing) */
  activeAfter: boolean;
  /** attributes that changed, by name */
  changed: readonly string[];
  /** grace days for a resource: its own setting, else its system's, else the default */
  graceDaysOf: (resource: string) => number;
  /** resources the person also holds through an active exception: its own expiry removes them */
  heldByException: ReadonlySet<string>;
  now: Date;
}

export interface Plan {
  kind: PlanKind;
  steps: PlannedStep[];
}

/** The system part of a resource key (system:type:name). */
export const systemOf = (resource: string) => resource.slice(0, resource.indexOf(":"));
const grantedBy = (g: ExpectedGrant) => `${g.via.join(" → ")} grants it`;
// A role change is a change of what someone does; other attributes (a training, a location) just re-evaluate.
const ROLE_ATTRIBUTES = new Set(["department", "job_title", "team"]);

/**
 * The steps that take a person from the access policy gave them before an HR change to what it
 * gives them after (seed 001, joiner / mover / leaver). Additions and level changes happen at
 * once. A leaver loses everything at once. Otherwise a removal waits out its grace period, so a
 * transfer can hand over; a resource with no grace period goes at once. A resource the person
 * also holds by exception is left to that exception's expiry.
 */
export function planAccessChange(input: PlanInput): Plan {
  const { now } = input;
  const step = (
    g: ExpectedGrant,
    action: PlannedStep["action"],
    reason: string,
    graceDays = 0,
    previousLevel: string | null = null,
  ): PlannedStep => ({
    resource: g.resource,
    system: systemOf(g.resource),
    action,
    level: g.level,
    previousLevel,
    reason,
    graceDays,
    dueAt: new Date(now.getTime() + graceDays * DAY_MS),
  });

  if (input.before === null) {
    return { kind: "joiner", steps: input.activeAfter ? input.after.map((g) => step(g, "grant", grantedBy(g))) : [] };
  }
  if (!input.activeAfter) {
    return {
      kind: "leaver",
      steps: input.before
        .filter((g) => !input.heldByException.has(g.resource))
        .map((g) => step(g, "revoke", "not Active: nobody who is not Active keeps access")),
    };
  }
  const delta = diffGrants(input.before, input.after);
  const steps: PlannedStep[] = [
    ...delta.added.map((g) => step(g, "grant", grantedBy(g))),
    ...delta.changed.map((c) =>
      step(
        { resource: c.resource, level: c.to, via: c.via },
        "change_level",
        `${c.via.join(" → ")} grants ${c.to ?? "the lowest level"} (was ${c.from ?? "the lowest level"})`,
        0,
        c.from,
      ),
    ),
    ...delta.removed
      .filter((g) => !input.heldByException.has(g.resource))
      .map((g) => {
        const grace = Math.max(0, input.graceDaysOf(g.resource));
        return step(g, "revoke", `no policy grants it after the change (it came from ${g.via[0]})`, grace);
      }),
  ];
  steps.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.resource.localeCompare(b.resource));
  const kind: PlanKind = input.changed.some((a) => ROLE_ATTRIBUTES.has(a)) ? "mover" : "change";
  return { kind, steps };
}

/** The grace period of a resource: its own setting, else its system's, else the default. */
export function graceDaysFor(
  resource: string,
  settings: { resources: ReadonlyMap<string, number | null>; systems: ReadonlyMap<string, number | null> },
): number {
  return settings.resources.get(resource) ?? settings.systems.get(systemOf(resource)) ?? DEFAULT_GRACE_DAYS;
}

/** One line for a plan: "Job title Sales Engineer → Senior Sales Engineer; department …". */
export function describeChanges(changes: Record<string, { from: unknown; to: unknown }>): string {
  const text = (v: unknown) =>
    v === null || v === undefined || v === "" ? "(none)" : Array.isArray(v) ? v.join(", ") || "(none)" : String(v);
  const label = (a: string) => a.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  const parts = Object.entries(changes).map(([a, { from, to }]) =>
    from === undefined ? `${label(a)} ${text(to)}` : `${label(a)} ${text(from)} → ${text(to)}`,
  );
  return parts.join("; ") || "No attribute changed";
}
