import { and, eq, ne, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { Db } from "@/server/db/client";
import { accessExceptions, expectedAccess, identities, requestTemplates } from "@/server/db/schema";
import { decideRequest } from "@/server/services/requests/decide";
import { as, submit, type Clock } from "./requests";

export const FINANCE_REPORTS = "google:group:finance-reports@company.com";

/** The finance-reports template as a test needs it: short durations, and how a failed grant is handled. */
export async function shapeFinanceReportsTemplate(
  db: Db,
  onGrantFailure: { mode: "ignore" | "retry" | "block"; maxAttempts: number },
  durations = [5],
) {
  await db.execute(sql`
    update ${requestTemplates}
    set definition = jsonb_set(
      jsonb_set(definition, '{onGrantFailure}', ${JSON.stringify(onGrantFailure)}::jsonb),
      '{durations}', ${JSON.stringify(durations)}::jsonb)
    where key = 'finance-reports'`);
}

/** Active people (not the CFO, who approves) whom policy does not already give finance-reports, by email. */
export async function financeReportsCandidates(db: Db): Promise<string[]> {
  const rows = await db
    .select({ email: identities.email })
    .from(identities)
    .where(
      and(
        sql`lower(trim(${identities.employmentStatus})) = 'active'`,
        ne(identities.email, "cfo@company.com"),
        sql`not exists (select 1 from ${expectedAccess} x where x.identity_id = ${identities.id} and x.resource_key = ${FINANCE_REPORTS})`,
      ),
    )
    .orderBy(identities.email);
  return rows.map((r) => r.email);
}

/**
 * Asks for finance-reports as `email` and has the CFO approve: the exception exists and its grant
 * is queued (or, in block mode, tried). Null when the request form refuses this person.
 */
export async function financeReportsException(db: Db, email: string, clock: Clock, minutes = 5) {
  const person = await as(db, email, clock);
  const cfo = await as(db, "cfo@company.com", clock);
  let requestId: string;
  try {
    requestId = (
      await submit(person, {
        templateKey: "finance-reports",
        durationMinutes: minutes,
        justification: "Quarter-end commission numbers for the sales review",
        fields: { project: "Q4 review" },
      })
    ).id;
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
  await decideRequest({ ctx: cfo, input: { requestId, decision: "approve" } });
  const [exception] = await db.select().from(accessExceptions).where(eq(accessExceptions.requestId, requestId));
  return { exception: exception!, requestId, person, username: email.split("@")[0]! };
}
