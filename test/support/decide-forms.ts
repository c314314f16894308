import { and, count, eq } from "drizzle-orm";
import { systemActor } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { auditEvents } from "@/server/db/schema";
import { seedTemplates } from "@/server/db/seed/requests";
import { saveTemplate } from "@/server/services/requests/templates";

/**
 * The forms the decide tests use. Apart from test/support/requests.ts on purpose: the cluster tests
 * import that file, and with the template service imported there their kill -9 test failed (every
 * time, two runs; not yet understood why).
 */

/** Sarah asks to join the billing rewrite: the manager, then 2 of 3 platform owners decide. */
export const billingAsk = (extra: object = {}) => ({
  templateKey: "billing-rewrite-project",
  durationMinutes: 6 * 7 * 24 * 60,
  justification: "Sales Engineer supporting billing system rewrite to ensure sales workflow integration",
  requestedStart: new Date("2026-12-01T09:00:00Z"),
  fields: { project_id: "proj-billing-rewrite-2025", read_only_enough: true },
  ...extra,
});

/** A one-stage form any one platform owner decides ("platform-any"): three people who could click at once. */
export async function savePlatformAnyTemplate(db: Db) {
  const base = seedTemplates.find((s) => s.key === "billing-rewrite-project")!.definition;
  await saveTemplate({
    ctx: { db, actor: systemActor("test"), clock: () => new Date("2026-11-22T12:00:00Z") },
    input: {
      create: true,
      key: "platform-any",
      name: "Platform (any owner)",
      description: "",
      definition: {
        ...base,
        startMode: "on_approval",
        fields: [],
        stages: [base.stages[1]!].map((s) => ({ ...s, threshold: { kind: "any" as const } })),
      },
    },
  });
}

/** How many audit events of `action` a request has. */
export async function auditEventsOf(db: Db, requestId: string, action: string) {
  const [row] = await db
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectId, requestId), eq(auditEvents.action, action)));
  return row!.n;
}
