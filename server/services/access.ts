import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

/** Records that someone tried to open a page or call a procedure their roles do not allow. */
export async function recordRefusedAccess({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { subjectType: "procedure" | "section"; subjectId: string; allowedRoles: readonly string[] };
}) {
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "access.refused",
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      reason: `needs one of: ${input.allowedRoles.join(", ")}`,
    }),
  );
}
