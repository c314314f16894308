import { DomainError } from "./errors";

/**
 * Rate limits are fixed windows: at most `limit` hits per bucket in each window of
 * `windowSeconds`, aligned to the epoch so that every instance agrees where a window starts.
 * A fixed window lets a client spend two windows' worth around a boundary; the limits below
 * are set with that bound in mind.
 */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * "30/1m", "1200/60s", "20/10m" or "off". Null means no limit. Throws on anything else, naming
 * the setting, so a mistyped limit stops the start instead of silently allowing everything.
 */
export function parseRateLimitRule(value: string, setting: string): RateLimitRule | null {
  const text = value.trim().toLowerCase();
  if (text === "off") return null;
  const match = /^(\d{1,7})\s*\/\s*(\d{1,6})?\s*([smh])?$/.exec(text);
  const limit = match ? Number(match[1]) : NaN;
  const windowSeconds = match ? Number(match[2] ?? 1) * UNITS[match[3] ?? "s"]! : NaN;
  if (!match || (!match[2] && !match[3]) || !(limit >= 1) || !(windowSeconds >= 1) || windowSeconds > 86_400) {
    throw new Error(
      `${setting} is "${value}": write a number of hits per window, like 30/1m, 1200/60s or 20/10m (at most 24h), or off`,
    );
  }
  return { limit, windowSeconds };
}

/** The start of the window `now` falls in. */
export function windowStartOf(now: Date, windowSeconds: number): Date {
  const ms = windowSeconds * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** Whole seconds from `now` until the window that started at `windowStart` ends (at least 1). */
export function secondsUntilWindowEnds(now: Date, windowStart: Date, windowSeconds: number): number {
  return Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
}

/** How a refusal reads in minutes or seconds. */
export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

/** The error every limit throws: HTTP 429 with Retry-After, tRPC TOO_MANY_REQUESTS with the wait in its data. */
export function rateLimited(what: string, retryAfterSeconds: number): DomainError {
  return new DomainError("RATE_LIMITED", `Too many ${what}: try again in ${describeWait(retryAfterSeconds)}`, {
    retryAfterSeconds,
  });
}
