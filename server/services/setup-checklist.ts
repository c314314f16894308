import { and, count, eq, isNull, sql } from "drizzle-orm";
import { oidcSettings, StartupError } from "@/server/config";
import { summarize, setupChecklist, type ChecklistSummary, type SetupFacts } from "@/server/core/setup/checklist";
import type { DbOrTx } from "@/server/db/client";
import {
  auditEvents,
  hrSources,
  organizationSettings,
  policyFiles,
  requestTemplates,
  resources,
  setupChecklistState,
  systems,
} from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { PersonContext } from "./context";
import { activeVersion } from "./policies/engine";

type Env = Record<string, string | undefined>;

/** What the environment says about sign-in and mail (no value is shown, only whether it is set). */
function environmentFacts(env: Env): Pick<SetupFacts, "signIn" | "smtpConfigured"> {
  let signIn: SetupFacts["signIn"];
  try {
    const oidc = oidcSettings(env);
    signIn = { provider: oidc?.name ?? null };
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    signIn = { provider: null, problem: `${err.message}.` };
  }
  return { signIn, smtpConfigured: Boolean(env.SMTP_URL?.trim()) };
}

const CONNECTION_EVENTS = ["system.created", "system.adapter_configured", "system.connection_tested"] as const;

/** Each fact a few small counts; the systems' latest connection word from the audit trail (subject index). */
async function databaseFacts(db: DbOrTx): Promise<Omit<SetupFacts, "signIn" | "smtpConfigured">> {
  const n = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  const active = await activeVersion(db);
  const [liveSources, csvImports, connected, resourceCount, files, templates, zone] = await Promise.all([
    n(db.select({ n: count() }).from(hrSources).where(isNull(hrSources.revokedAt))),
    n(db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.action, "identity.csv_imported"))),
    db.execute<{ key: string; name: string; adapter_kind: string; action: string | null; after: unknown }>(sql`
      select s.key, s.name, s.adapter_kind, e.action, e.after
      from ${systems} s
      left join lateral (
        select a.action, a.after from ${auditEvents} a
        where a.subject_type = 'system' and a.subject_id = s.key
          and a.action in (${sql.join(
            CONNECTION_EVENTS.map((a) => sql`${a}`),
            sql`, `,
          )})
        order by a.id desc limit 1
      ) e on true
      where s.retired_at is null and s.adapter_kind <> 'manual'
      order by s.name`),
    n(
      db
        .select({ n: count() })
        .from(resources)
        .innerJoin(systems, eq(systems.key, resources.systemKey))
        .where(isNull(systems.retiredAt)),
    ),
    active
      ? n(db.select({ n: count() }).from(policyFiles).where(eq(policyFiles.versionId, active.id)))
      : Promise.resolve(0),
    n(
      db
        .select({ n: count() })
        .from(requestTemplates)
        .where(and(eq(requestTemplates.active, true), eq(requestTemplates.origin, "catalog"))),
    ),
    // The row exists once an IT admin saved a zone (UTC included); until then UTC is only the default.
    db.select({ timeZone: organizationSettings.timeZone }).from(organizationSettings).limit(1),
  ]);
  return {
    hrSources: liveSources,
    csvImports,
    connectedSystems: connected.rows.map((r) => ({
      key: r.key,
      name: r.name,
      adapterKind: r.adapter_kind,
      lastConnection: r.action ? { action: r.action as (typeof CONNECTION_EVENTS)[number], after: r.after } : null,
    })),
    resources: resourceCount,
    policyFiles: files,
    templates,
    savedTimeZone: zone[0]?.timeZone ?? null,
  };
}

async function dismissedAt(db: DbOrTx): Promise<Date | null> {
  const [row] = await db.select({ dismissedAt: setupChecklistState.dismissedAt }).from(setupChecklistState);
  return row?.dismissedAt ?? null;
}

/** The checklist as it stands: each item read from the real state, how many are done, whether it was put away. */
export async function setupChecklistFor({
  ctx,
  env = process.env,
}: {
  ctx: PersonContext;
  env?: Env;
}): Promise<ChecklistSummary & { dismissedAt: Date | null }> {
  const [facts, dismissed] = await Promise.all([databaseFacts(ctx.db), dismissedAt(ctx.db)]);
  return {
    ...summarize(setupChecklist({ ...environmentFacts(env), ...facts }), dismissed !== null),
    dismissedAt: dismissed,
  };
}

/**
 * IT puts the checklist away (it leaves IT's home; the Setup page still shows it) or shows it again.
 * For the whole organization, as the setup is; audited in the same transaction. Asking for what is
 * already so changes nothing and records nothing.
 */
export async function setSetupChecklistDismissed({
  ctx,
  input,
}: {
  ctx: PersonContext;
  input: { dismissed: boolean };
}): Promise<{ dismissed: boolean; changed: boolean }> {
  return ctx.db.transaction(async (tx) => {
    // The single row, made if absent and then locked: two admins clicking at once record one change each way at most.
    await tx
      .insert(setupChecklistState)
      .values({ id: 1, dismissedAt: null, updatedAt: ctx.clock() })
      .onConflictDoNothing();
    const [row] = await tx.select().from(setupChecklistState).where(eq(setupChecklistState.id, 1)).for("update");
    const wasDismissed = row!.dismissedAt !== null;
    if (wasDismissed === input.dismissed) return { dismissed: wasDismissed, changed: false };
    const now = ctx.clock();
    await tx
      .update(setupChecklistState)
      .set(
        input.dismissed
          ? { dismissedAt: now, dismissedBy: ctx.actor.identityId, updatedAt: now }
          : { dismissedAt: null, dismissedBy: null, updatedAt: now },
      )
      .where(eq(setupChecklistState.id, 1));
    await recordAuditEvent(tx, ctx, {
      action: input.dismissed ? "setup_checklist.dismissed" : "setup_checklist.reopened",
      subjectType: "setup_checklist",
      before: { dismissed: wasDismissed },
      after: { dismissed: input.dismissed },
    });
    return { dismissed: input.dismissed, changed: true };
  });
}
