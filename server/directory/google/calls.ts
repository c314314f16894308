import { AdapterError } from "@/server/adapters/types";

/**
 * One Directory API call with Google's retry guidance
 * (https://developers.google.com/workspace/admin/directory/v1/limits): 429 and 403
 * rateLimitExceeded / userRateLimitExceeded / quotaExceeded are throttling, 503 and other 5xx are
 * transient; both are retried with truncated exponential backoff, waiting at least what
 * `Retry-After` asks. gaxios 7.1.3 retries 429/5xx by itself but ignores Retry-After (its delays
 * are 100 ms, 500 ms, 1.5 s: gaxios/build/cjs/src/retry.js), so the SDK's own retry is switched off
 * for these calls (`retry: false`) and this loop does it instead, counting what happened.
 */

export interface CallStats {
  /** HTTP requests to the Directory API, retries included (the token request is not counted) */
  requests: number;
  /** answers that said "slow down": 429, and 403 with a rate-limit reason */
  throttled: number;
}

const RETRY = {
  /** attempts in all for a throttled or 503 answer */
  attempts: 5,
  /** attempts in all for other 5xx, network failures and timeouts */
  transientAttempts: 3,
  /** never wait longer than this for one retry; a longer Retry-After gives up (retryable) */
  maxWaitMs: 60_000,
};

const RATE_LIMIT_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"]);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a failed call looked like, from Google's error body {"error":{"code","message","errors":[{"reason"}]}}. */
interface Failure {
  status: number | null;
  reasons: string[];
  /** Google's own message, or the network error's code */
  message: string;
  retryAfterMs: number | null;
}

function headerValue(headers: unknown, name: string): string | null {
  if (headers && typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  if (headers && typeof headers === "object") {
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === "string" ? v : null;
  }
  return null;
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function describe(e: unknown): Failure {
  const err = e as { response?: { status?: number; data?: unknown; headers?: unknown }; code?: unknown };
  const response = err.response;
  if (!response?.status) {
    const code = typeof err.code === "string" ? err.code : e instanceof Error ? e.name : "network error";
    return { status: null, reasons: [], message: code, retryAfterMs: null };
  }
  const body = (response.data ?? {}) as { error?: { message?: unknown; errors?: { reason?: unknown }[] } };
  const error = typeof body === "object" && typeof body.error === "object" ? body.error : undefined;
  const reasons = (Array.isArray(error?.errors) ? error.errors : [])
    .map((x) => x?.reason)
    .filter((r): r is string => typeof r === "string");
  const message = typeof error?.message === "string" ? error.message : `HTTP ${response.status}`;
  return {
    status: response.status,
    reasons,
    message,
    retryAfterMs: retryAfterMs(headerValue(response.headers, "retry-after")),
  };
}

/** Truncated exponential backoff: 2^n s plus up to 1 s of jitter, at most 32 s (Google's example). */
function backoffMs(retry: number): number {
  return Math.min(2 ** retry * 1000 + Math.floor(Math.random() * 1000), 32_000);
}

export interface CallContext {
  /** "users", "groups", "the members of group x@y" */
  what: string;
  /** the admin the service account acts as, for messages */
  admin: string;
  stats: CallStats;
}

/** Runs `fn` (one SDK call made with `retry: false`), retrying as above; failures become AdapterErrors. */
export async function call<T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    ctx.stats.requests++;
    let failure: Failure;
    try {
      return await fn();
    } catch (e) {
      failure = describe(e);
    }
    const { status, reasons } = failure;
    const throttled = status === 429 || (status === 403 && reasons.some((r) => RATE_LIMIT_REASONS.has(r)));
    if (throttled) ctx.stats.throttled++;
    const transient = status === null || status === 408 || status >= 500;
    if (!throttled && !transient) throw refusal(ctx, failure);

    const limit = throttled || status === 503 ? RETRY.attempts : RETRY.transientAttempts;
    // "429 rateLimitExceeded: Quota exceeded …", or the network error's code
    const answer = status === null ? failure.message : `${status} ${reasons[0] ?? ""}`.trim() + `: ${failure.message}`;
    if (attempt >= limit) {
      const what = throttled ? "kept throttling" : "kept failing";
      throw new AdapterError(`Google ${what} while reading ${ctx.what} (${attempt} attempts): ${answer}`, true);
    }
    const delay = failure.retryAfterMs ?? backoffMs(attempt - 1);
    if (delay > RETRY.maxWaitMs) {
      const seconds = Math.ceil(delay / 1000);
      throw new AdapterError(`Google asked to wait ${seconds} s before reading ${ctx.what} again: ${answer}`, true);
    }
    await sleep(delay);
  }
}

/** A 4xx that is not throttling: it will fail the same way until someone changes something. */
function refusal(ctx: CallContext, f: Failure): AdapterError {
  if (f.status === 401) {
    return new AdapterError(`Google did not accept the access token while reading ${ctx.what}: ${f.message}`, false);
  }
  if (f.status === 403) {
    const hint = f.reasons.includes("insufficientPermissions")
      ? "the access token lacks the scope this call needs"
      : f.reasons.includes("accessNotConfigured")
        ? "the Admin SDK API is not enabled in the service account's Google Cloud project"
        : "the admin needs a role that can read users and groups";
    return new AdapterError(`the admin ${ctx.admin} cannot read ${ctx.what}: ${f.message} (${hint})`, false);
  }
  if (f.status === 404) return new NotFoundError(`Google does not know ${ctx.what}: ${f.message}`);
  return new AdapterError(`Google refused to list ${ctx.what}: ${f.status} ${f.message}`, false);
}

/** 404: what was asked for is gone (a group deleted while the read was under way). */
export class NotFoundError extends AdapterError {
  constructor(message: string) {
    super(message, false);
    this.name = "NotFoundError";
  }
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        failed = true; // the other workers stop taking items
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
