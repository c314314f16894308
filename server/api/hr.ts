import "server-only";
import { DomainError, isDomainError } from "@/server/core/errors";
import { describeUnstorable, fieldOf, findUnstorableValue } from "@/server/core/input/storable";
import { getDb } from "@/server/db/client";
import { readJsonBody } from "@/server/http/body";
import { bodyLimits } from "@/server/http/limits";
import { httpProblem } from "./errors";
import { authenticateTokenRequest } from "./token-auth";
import { receiveHrEvent } from "@/server/services/hr/events";

/** An Idempotency-Key is an event id by another name: the same cap as event_id. */
const MAX_IDEMPOTENCY_KEY = 200;

/**
 * POST /api/hr/events: an HR system sends employee.hired / .updated / .terminated (seed 001).
 * 200 when applied, 202 when it waits for its effective date, 200 with duplicate: true for a resend.
 * The token is checked (and rate limited) before a byte of the body is read; the body is capped.
 */
export async function handleHrEvent(request: Request, db = getDb(), clock = () => new Date()): Promise<Response> {
  try {
    const { token } = await authenticateTokenRequest(request, { db, clock });
    const eventId = request.headers.get("idempotency-key");
    if (eventId !== null && (eventId.trim() === "" || eventId.length > MAX_IDEMPOTENCY_KEY)) {
      throw new DomainError("INVALID_INPUT", `Idempotency-Key: between 1 and ${MAX_IDEMPOTENCY_KEY} characters`, {
        field: "Idempotency-Key",
      });
    }
    const body = await readJsonBody(request, bodyLimits.hrEvent);
    // Values PostgreSQL cannot store (a NUL, a lone surrogate, a date centuries away) are bad input, not a 500.
    const unstorable = findUnstorableValue(body);
    if (unstorable)
      throw new DomainError("INVALID_INPUT", describeUnstorable(unstorable), { field: fieldOf(unstorable) });
    const result = await receiveHrEvent({ db, clock, input: { token, eventId, body } });
    return Response.json(result, {
      status: result.status === "waiting" ? 202 : result.status === "failed" ? 422 : 200,
    });
  } catch (err) {
    if (isDomainError(err)) return httpProblem(err);
    throw err;
  }
}
