import type { FailedCondition } from "../policy/explain";
import type { Condition, SourceRef } from "../policy/types";
import type { ApproverRef, Field } from "../requests/template";

/**
 * Fallback policies (docs/fallbacks.md, seed 004): what happens when someone asks for a
 * resource that no policy gives them. Without one that applies, access is denied (invariant 1).
 */

export const fallbackScopes = ["resource", "namespace", "global"] as const;
export type FallbackScope = (typeof fallbackScopes)[number];

export const fallbackActions = ["allow", "deny", "prompt-for-request"] as const;
export type FallbackAction = (typeof fallbackActions)[number];

export const timeframes = ["business-hours", "always"] as const;
export type Timeframe = (typeof timeframes)[number];

interface FallbackBase {
  name: string;
  description: string;
  scope: FallbackScope;
  /**
   * What the fallback is for: scope `resource`, a full `system:type:name` key; scope
   * `namespace`, a system (`aws`) or `system:type` (`aws:role`); scope `global`, null.
   */
  target: string | null;
  /** higher first, within one scope; default 0 */
  priority: number;
  /** all must hold (a policy's `when`); empty: everyone (who is Active) */
  subjects: Condition[];
  /** shown to the person; always set for deny */
  message: string | null;
  tags: string[];
  file: string;
  /** the fallback's first line */
  at: SourceRef;
  /** where `resource:` / `namespace:` is written (the first line for global) */
  targetAt: SourceRef;
}

/** Fallback access is always time-bound, and may be limited to business hours and to one level. */
export interface AllowConstraints {
  durationMaxMinutes: number;
  /** the `max` when no default is written */
  durationDefaultMinutes: number;
  timeframe: Timeframe;
  /** IANA name; business hours are Mon–Fri 09:00–18:00 here. Default UTC. */
  timezone: string;
  /** the access level given; null: the system's default (lowest) */
  level: string | null;
  levelAt: SourceRef | null;
}

/** The request form a prompt-for-request fallback offers, in the shapes request templates use. */
export interface FallbackRequest {
  /** offered durations, in minutes, as written */
  durations: number[];
  fields: Field[];
  approvers: ApproverRef[];
  /** distinct approvals needed; default 1 */
  threshold: number;
  /** default 20 */
  justificationMinLength: number;
}

export interface AllowFallback extends FallbackBase {
  action: "allow";
  constraints: AllowConstraints;
}

export interface DenyFallback extends FallbackBase {
  action: "deny";
  message: string;
}

export interface PromptFallback extends FallbackBase {
  action: "prompt-for-request";
  request: FallbackRequest;
}

export type FallbackPolicy = AllowFallback | DenyFallback | PromptFallback;

/**
 * Why a fallback did or did not decide, for the UI: `applied` decided; `outranked` would
 * apply but one before it decided; `skipped` does not apply, for `reason`.
 */
export interface ConsideredFallback {
  name: string;
  scope: FallbackScope;
  target: string | null;
  priority: number;
  action: FallbackAction;
  outcome: "applied" | "outranked" | "skipped";
  /**
   * target: the resource is not the fallback's resource or under its namespace;
   * subjects: a condition does not hold (see `failed`);
   * inactive: the person is not Active, so only deny applies;
   * level: its level is not one of the requested system's levels.
   */
  reason: "target" | "subjects" | "inactive" | "level" | null;
  /** in words, e.g. "subjects do not hold: department in [Engineering] (theirs: Sales)" */
  why: string;
  /** for reason `subjects`: the first condition that failed, with the person's value */
  failed: FailedCondition | null;
}

export type FallbackDecision = (
  | {
      action: "allow";
      fallback: AllowFallback;
      durationDefaultMinutes: number;
      durationMaxMinutes: number;
      level: string | null;
      tags: string[];
      message: string | null;
    }
  | { action: "deny"; fallback: DenyFallback; reason: "fallback"; message: string }
  | { action: "deny"; fallback: AllowFallback; reason: "outside_timeframe"; message: string }
  | { action: "deny"; fallback: null; reason: "default" | "inactive"; message: string }
  | { action: "prompt-for-request"; fallback: PromptFallback; request: FallbackRequest; message: string | null }
) & {
  /** every fallback, in the order they are tried, with what became of it */
  considered: ConsideredFallback[];
};
