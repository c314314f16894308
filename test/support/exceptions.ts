import { eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { accessExceptions } from "@/server/db/schema";
import { proposeException, proposeExtension } from "@/server/services/exceptions/propose";
import { decideRequest } from "@/server/services/requests/decide";
import { fixedClock } from "./actors";
import { as } from "./requests";

type ProposeInput = Parameters<typeof proposeException>[0]["input"];

/**
 * An exception the way Clearance makes one: IT (Priya, unless `proposer` says otherwise)
 * proposes it, and the approver it names approves it in their inbox. Returns the exception.
 */
export async function approvedException(
  db: Db,
  input: Omit<ProposeInput, "references" | "restrictions" | "level"> &
    Partial<Pick<ProposeInput, "references" | "restrictions" | "level">>,
  opts: { clock?: () => Date; proposer?: string } = {},
) {
  const clock = opts.clock ?? fixedClock();
  const it = await as(db, opts.proposer ?? "priya.raman@company.com", clock);
  const request = await proposeException({
    ctx: it,
    input: { level: null, references: {}, restrictions: {}, ...input },
  });
  await decideRequest({
    ctx: await as(db, input.approverEmail, clock),
    input: { requestId: request.id, decision: "approve" },
  });
  const [exception] = await db.select().from(accessExceptions).where(eq(accessExceptions.requestId, request.id));
  return exception!;
}

/** IT proposes an extension and the approver it names approves it. Returns the exception after. */
export async function approvedExtension(
  db: Db,
  input: Parameters<typeof proposeExtension>[0]["input"],
  opts: { clock?: () => Date; proposer?: string } = {},
) {
  const clock = opts.clock ?? fixedClock();
  const request = await proposeExtension({
    ctx: await as(db, opts.proposer ?? "priya.raman@company.com", clock),
    input,
  });
  await decideRequest({
    ctx: await as(db, input.approverEmail, clock),
    input: { requestId: request.id, decision: "approve" },
  });
  const [exception] = await db.select().from(accessExceptions).where(eq(accessExceptions.id, input.exceptionId));
  return exception!;
}
