import { logger } from "@/server/log";
import { processMetrics } from "./metrics-registry";
import { requestIdFrom } from "./request-id";

export interface ObservedCall {
  /** a tRPC procedure's path (requests.decide) or an HTTP endpoint's name (scim.users) */
  procedure: string;
  /** "ok", or the error's code (FORBIDDEN, CONFLICT, ...) or HTTP status */
  status: string;
  durationMs: number;
  requestId?: string;
  /** the signed-in person's identity id; never an email */
  actorId?: string | null;
}

/** Every call ends here: its duration in /api/metrics and one JSON line in the log. */
export function recordCall(call: ObservedCall): void {
  processMetrics().callDuration.observe({ procedure: call.procedure, status: call.status }, call.durationMs / 1000);
  const line = {
    msg: "call",
    requestId: call.requestId,
    actorId: call.actorId ?? undefined,
    procedure: call.procedure,
    status: call.status,
    durationMs: Math.round(call.durationMs * 10) / 10,
  };
  if (call.status === "INTERNAL_SERVER_ERROR" || call.status === "500") logger().error(line);
  else logger().info(line);
}

/**
 * An HTTP endpoint's handler, observed as one call named `procedure`: its status is the answer's
 * HTTP status; a handler that throws is a 500 (Next.js answers it).
 */
export function observed<A extends unknown[]>(
  procedure: string,
  handler: (request: Request, ...rest: A) => Promise<Response>,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => {
    const started = performance.now();
    let status = "500";
    try {
      const response = await handler(request, ...rest);
      status = String(response.status);
      return response;
    } finally {
      recordCall({
        procedure,
        status,
        durationMs: performance.now() - started,
        requestId: requestIdFrom(request.headers),
      });
    }
  };
}
