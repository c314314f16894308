import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Wire helpers for the fake Microsoft Graph and Microsoft Entra token endpoint, in the shapes
 * Microsoft documents:
 * - Graph errors: { "error": { "code", "message", "innerError": { "date", "request-id",
 *   "client-request-id" } } } (https://learn.microsoft.com/en-us/graph/errors)
 * - token endpoint errors: { "error", "error_description": "AADSTS…", "error_codes", "timestamp",
 *   "trace_id", "correlation_id", "error_uri" }
 *   (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response)
 */
export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

let sequence = 0;
/** A GUID-shaped id, deterministic within a run. */
export const nextRequestId = () => `00000000-0000-4000-9000-${(++sequence).toString(16).padStart(12, "0")}`;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": GRAPH_JSON, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendGraphError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  const requestId = nextRequestId();
  const clientRequestId = String(req.headers["client-request-id"] ?? requestId);
  sendJson(
    res,
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": requestId,
          "client-request-id": clientRequestId,
        },
      },
    },
    { "request-id": requestId, "client-request-id": clientRequestId, ...headers },
  );
}

export function sendTokenError(res: ServerResponse, status: number, error: string, code: number, description: string) {
  const traceId = nextRequestId();
  const timestamp = new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store, no-cache" });
  res.end(
    JSON.stringify({
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${traceId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: traceId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    }),
  );
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The preferences of a Prefer header (RFC 7240): "return=minimal, odata.maxpagesize=999". */
export function preferences(req: IncomingMessage): { minimal: boolean; maxPageSize: number | null } {
  const raw = req.headers.prefer;
  const all = (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((h) => h.split(",")).map((p) => p.trim());
  const size = all.find((p) => p.toLowerCase().startsWith("odata.maxpagesize="));
  const n = size ? Number(size.split("=")[1]) : NaN;
  return {
    minimal: all.some((p) => p.toLowerCase() === "return=minimal"),
    maxPageSize: Number.isInteger(n) && n > 0 ? n : null,
  };
}

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
export function unb64<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

/** An unsigned JWT-shaped access token (Graph only checks that the fake issued it). */
export function accessToken(claims: Record<string, unknown>): string {
  return `${b64({ typ: "JWT", alg: "none" })}.${b64(claims)}.${Buffer.from(nextRequestId()).toString("base64url")}`;
}

/** `id in ('a','b')` or `id eq 'a'`, the filters Graph supports on id; null for anything else. */
export function idFilter(filter: string): string[] | null {
  const eq = /^\s*id\s+eq\s+'([^']+)'\s*$/i.exec(filter);
  if (eq) return [eq[1]!];
  const list = /^\s*id\s+in\s+\(([^)]*)\)\s*$/i.exec(filter);
  if (!list) return null;
  const ids = list[1]!.split(",").map((s) => /^\s*'([^']+)'\s*$/.exec(s)?.[1]);
  return ids.every((id): id is string => id !== undefined) ? ids : null;
}
