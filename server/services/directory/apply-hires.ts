import { sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { DirectoryUser } from "@/server/directory/types";
import type { SourceContext } from "../context";
import { createIdentities } from "../identity-create";
import { refusingUniqueViolation } from "../unique-violation";
import { fingerprintOf, reasonOf, wantedAttributes } from "./apply-users";

/**
 * New people of one read, hired together in one transaction (createIdentities: the checks,
 * rows, history, audit events and joiner plans of all of them in a few statements) and linked to
 * their directory ids. A manager is someone stored already or earlier in `hires`. Any problem
 * fails them all (the caller applies them one by one instead, to find whose it is). Gives their ids.
 */
export async function hireUsers(
  ctx: SourceContext,
  hires: readonly { user: DirectoryUser; managerEmail: string | null | undefined }[],
): Promise<string[]> {
  const reason = reasonOf(ctx);
  const taken = () => new DomainError("CONFLICT", "Another identity already has one of these emails or HR ids");
  return refusingUniqueViolation(
    () =>
      ctx.db.transaction(async (tx) => {
        const rows = await createIdentities(
          tx,
          ctx,
          hires.map(({ user, managerEmail }) => ({
            externalId: user.employeeNumber || user.remoteId,
            email: user.email,
            displayName: user.displayName,
            attributes: wantedAttributes(user, null, managerEmail),
            source: "pull" as const,
            managedBy: ctx.sourceKey,
            effectiveAt: ctx.clock(),
            reason,
          })),
        );
        const links = JSON.stringify(
          hires.map(({ user, managerEmail }, i) => ({
            remote_id: user.remoteId,
            identity_id: rows[i]!.id,
            fingerprint: fingerprintOf(user, managerEmail),
          })),
        );
        await tx.execute(sql`
      insert into directory_links (source_key, remote_id, identity_id, fingerprint)
      select ${ctx.sourceKey}, l.remote_id, l.identity_id::uuid, l.fingerprint
      from json_to_recordset(${links}::json) as l(remote_id text, identity_id text, fingerprint text)
      on conflict (source_key, remote_id)
      do update set identity_id = excluded.identity_id, gone_at = null, fingerprint = excluded.fingerprint`);
        return rows.map((r) => r.id);
      }),
    taken,
  );
}
