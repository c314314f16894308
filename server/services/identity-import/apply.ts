import { sql } from "drizzle-orm";
import { DomainError, isDomainError } from "@/server/core/errors";
import type { Db } from "@/server/db/client";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { changeIdentityAttributes } from "../identities";
import { createIdentity } from "../identity-create";
import { buildImport, importCounts } from "./build";

// Imports are serialized: two at once could each create the same new person.
const IDENTITY_IMPORT_LOCK = 7_414_020;
const REASON = "CSV import";
const IGNORED_RECORDED = 1000;

/** A failure while applying names the row it happened on; the whole import rolls back. */
async function onRow<T>(row: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isDomainError(err))
      throw new DomainError(err.code, `Row ${row}: ${err.message}`, { field: err.field ?? "csv", cause: err });
    throw err;
  }
}

/**
 * Applies exactly what the preview showed, all or nothing: new people (joiner plans), attribute
 * changes with history and mover/leaver plans, source "csv", and one identity.csv_imported
 * event with the counts. Refused with CONFLICT when the file or anyone it touches changed
 * since the preview (the fingerprint differs), and when the file has errors.
 */
export async function applyIdentityImport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { csv: string; fingerprint: string };
}) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${IDENTITY_IMPORT_LOCK})`);
    const { plan, fingerprint } = await buildImport(tx, input.csv, {
      lock: true,
      importerId: ctx.actor.type === "identity" ? ctx.actor.identityId : null,
    });
    if (fingerprint !== input.fingerprint) {
      throw new DomainError(
        "CONFLICT",
        "The file or people in it changed since the preview: preview again, check the changes, then apply",
        { field: "fingerprint" },
      );
    }
    const counts = importCounts(plan);
    const ignored = plan.outcomes.flatMap((o) =>
      (o.ignored ?? []).map((w) => ({ row: o.row, externalId: o.person.externalId, ...w })),
    );
    if (counts.errors > 0)
      throw new DomainError(
        "INVALID_INPUT",
        `The file has ${counts.errors} error${counts.errors === 1 ? "" : "s"}: fix them and preview again`,
        { field: "csv" },
      );
    if (counts.new + counts.changed === 0)
      throw new DomainError("INVALID_INPUT", "Nothing to apply: everyone in the file is already as it says", {
        field: "csv",
      });

    const txCtx: ServiceContext = { ...ctx, db: tx as unknown as Db };
    const now = ctx.clock();
    let plans = 0;
    for (const o of plan.outcomes) {
      if (o.kind === "new") {
        await onRow(o.row, () =>
          createIdentity(tx, txCtx, {
            externalId: o.person.externalId,
            email: o.person.email,
            displayName: o.person.displayName,
            attributes: o.values,
            source: "csv",
            effectiveAt: now,
            reason: REASON,
          }),
        );
        plans++;
      } else if (o.kind === "changed") {
        const attributes = Object.fromEntries(o.changes.map((c) => [c.attribute, c.newValue]));
        const result = await onRow(o.row, () =>
          changeIdentityAttributes({
            ctx: txCtx,
            input: { identityId: o.person.id, attributes, source: "csv", effectiveAt: now, reason: REASON },
          }),
        );
        if (result.planId) plans++;
      }
    }
    await recordAuditEvent(tx, ctx, {
      action: "identity.csv_imported",
      subjectType: "identity_import",
      subjectId: fingerprint.slice(0, 16),
      after: {
        created: counts.new,
        changed: counts.changed,
        unchanged: counts.unchanged,
        plans,
        ignored: ignored.length,
      },
      reason: REASON,
      // values not applied because of attribute ownership (issue 16, point 3), as the preview showed them
      context: { fingerprint, ...(ignored.length ? { ignored: ignored.slice(0, IGNORED_RECORDED) } : {}) },
    });
    return { created: counts.new, changed: counts.changed, unchanged: counts.unchanged, plans };
  });
}
