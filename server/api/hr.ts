import "server-only";
import { isDomainError } from "@/server/core/errors";
import { describeUnstorable, fieldOf, findUnstorableValue } from "@/server/core/input/storable";
import { getDb } from "@/server/db/client";
import { httpStatusOf } from "./errors";
import { receiveHrEvent } from "@/server/services/hr/events";

/**
 * POST /api/hr/events: an HR system sends employee.hired / .updated / .terminated (seed 001).
 * 200 when applied, 202 when it waits for its effective date, 200 with duplicate: true for a resend.
 */
export async function handleHrEvent(request: Request, db = getDb(), clock = () => new Date()): Promise<Response> {
  const auth = request.headers.get("authorization");
  const token = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : null;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: "The body is not JSON", field: "body" }, { status: 400 });
  }
  const unstorable = findUnstorableValue(body);
  if (unstorable) return Response.json({ error: describeUnstorable(unstorable), field: fieldOf(unstorable) }, { status: 400 });
  try {
    const result = await receiveHrEvent({ db, clock, input: { token, eventId: request.headers.get("idempotency-key"), body } });
    return Response.json(result, { status: result.status === "waiting" ? 202 : result.status === "failed" ? 422 : 200 });
  } catch (err) {
    if (isDomainError(err)) return Response.json({ error: err.message, ...(err.field ? { field: err.field } : {}) }, { status: httpStatusOf(err) });
    throw err;
  }
}
