import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { secretEnvName } from "./secret-env";
import {
  AdapterError,
  type AccessTarget,
  type ActualAccess,
  type Adapter,
  type AdapterHealth,
  type AdapterResult,
  type Restrictions,
} from "./types";

export const webhookConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
    secret: z.string().min(1).optional(),
    /** Name of the environment variable holding the signing secret (read at each call). */
    secretEnv: secretEnvName.optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  })
  .refine((c) => (c.secret === undefined) !== (c.secretEnv === undefined), {
    message: "set exactly one of secret and secretEnv",
    path: ["secret"],
  });

export type WebhookConfig = z.input<typeof webhookConfigSchema>;

/** How much of a receiver's error response goes into an AdapterError. */
const MAX_RESPONSE_TEXT = 500;

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, the x-clearance-signature header. */
export function signWebhookBody(secret: string, timestamp: string | number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * For receivers: true when `signatureHeader` signs this timestamp and body with `secret`, and the
 * timestamp is within `toleranceSeconds` of now (so a captured request cannot be replayed later).
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number,
  body: string,
  signatureHeader: string | null | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const sentAt = Number(timestamp);
  if (!signatureHeader || !Number.isInteger(sentAt) || Math.abs(nowSeconds - sentAt) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, String(timestamp), body));
  const given = Buffer.from(signatureHeader);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const waitingAnswer = z.object({ status: z.literal("waiting"), detail: z.string().min(1) });
const listAnswer = z.object({
  access: z.array(z.object({ username: z.string().min(1), resource: z.string().min(1), level: z.string().nullish() })),
});
const healthAnswer = z.object({ ok: z.boolean().optional(), detail: z.string().optional() });

type Action = "grant" | "revoke" | "list" | "health";

/**
 * The contract's version, in every body (README.md): 2 added `expiresAt` and spelled every
 * restriction out, null where there is none, so a receiver can tell "none" from "not understood".
 */
export const WEBHOOK_CONTRACT_VERSION = 2;

/** Restrictions as the contract sends them: every key present, null (or false) where none applies. */
export function restrictionsPayload(r: Restrictions | undefined) {
  return {
    ipAllowList: r?.ipAllowList?.length ? r.ipAllowList : null,
    mfaRequired: r?.mfaRequired === true,
    sessionMinutes: r?.sessionMinutes ?? null,
    maxSessions: r?.maxSessions ?? null,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const truncate = (text: string) => (text.length > MAX_RESPONSE_TEXT ? `${text.slice(0, MAX_RESPONSE_TEXT)}…` : text);

/**
 * Speaks to any system through a receiver it hosts: each call is a signed JSON POST. A receiver
 * answers 2xx when done, 202 {status:"waiting", detail} when a person must act, 4xx when the
 * request can never succeed and 5xx when it may later (408 and 429 count as "later" too). Redirects
 * are not followed: the signed request goes to the configured URL only.
 */
export function webhookAdapter(rawConfig: WebhookConfig, options: { systemKey: string }): Adapter {
  const config = webhookConfigSchema.parse(rawConfig);

  const secret = (): string => {
    if (config.secret !== undefined) return config.secret;
    const value = process.env[config.secretEnv ?? ""];
    if (!value)
      throw new AdapterError(`webhook signing secret: environment variable ${config.secretEnv} is not set`, false);
    return value;
  };

  /** Posts one signed call; returns the status and text of a 2xx answer, throws AdapterError otherwise. */
  async function post(
    action: Action,
    payload: Record<string, unknown>,
    operationId?: string,
  ): Promise<{ status: number; text: string }> {
    const doing = `webhook ${action} for ${options.systemKey} at ${config.url}`;
    const body = JSON.stringify({ action, version: WEBHOOK_CONTRACT_VERSION, ...payload });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-clearance-timestamp": timestamp,
      "x-clearance-signature": signWebhookBody(secret(), timestamp, body),
      "x-clearance-system": options.systemKey,
    };
    if (operationId) headers["idempotency-key"] = operationId;

    let response: Response;
    let text: string;
    try {
      response = await fetch(config.url, {
        method: "POST",
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      const reason = timedOut
        ? `no answer within ${config.timeoutMs} ms`
        : `${error instanceof Error ? error.message : String(error)}${cause}`;
      throw new AdapterError(`${doing} failed: ${reason}`, true);
    }
    if (response.ok) return { status: response.status, text };
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new AdapterError(`${doing} failed: HTTP ${response.status}${text ? `: ${truncate(text)}` : ""}`, retryable);
  }

  async function change(action: "grant" | "revoke", target: AccessTarget): Promise<AdapterResult> {
    const { operationId, email, username, resource, level, restrictions, expiresAt } = target;
    const payload = {
      operationId,
      email,
      username,
      resource,
      level,
      expiresAt: expiresAt?.toISOString() ?? null,
      restrictions: restrictionsPayload(restrictions),
    };
    const answer = await post(action, payload, operationId);
    const waiting = waitingAnswer.safeParse(parseJson(answer.text));
    if (waiting.success) return { status: "waiting", detail: waiting.data.detail };
    return { status: "done", detail: `${action} of ${resource} for ${username}: HTTP ${answer.status}` };
  }

  return {
    kind: "webhook",
    grant: (target) => change("grant", target),
    revoke: (target) => change("revoke", target),

    async listActual(): Promise<ActualAccess[]> {
      const answer = await post("list", {});
      const parsed = listAnswer.safeParse(parseJson(answer.text));
      if (!parsed.success) {
        throw new AdapterError(
          `webhook list for ${options.systemKey}: the answer is not {"access":[{username, resource, level}]}: ${truncate(answer.text)}`,
          false,
        );
      }
      return parsed.data.access.map((a) => ({ username: a.username, resource: a.resource, level: a.level ?? null }));
    },

    async health(): Promise<AdapterHealth> {
      try {
        const answer = await post("health", {});
        const parsed = healthAnswer.safeParse(parseJson(answer.text));
        const reported = parsed.success ? parsed.data : {};
        return { ok: reported.ok ?? true, detail: reported.detail ?? `${config.url} answered HTTP ${answer.status}` };
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    async close() {
      // fetch keeps no connection of ours open.
    },
  };
}
