import { eq } from "drizzle-orm";
import {
  canonicalJson,
  configFileOf,
  itemKey,
  planCounts,
  type ConfigItem,
  type ConfigKind,
  type ConfigSet,
  type PlannedChange,
  type SystemItem,
} from "@/server/core/config";
import { DomainError, isDomainError } from "@/server/core/errors";
import type { Db, Tx } from "@/server/db/client";
import { requestTemplates, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { updateTypeSettings } from "../exceptions/settings";
import { deleteFallback, saveFallback } from "../fallbacks/store";
import { addSystem, configureSystemAdapter, editSystem, retireSystem } from "../provisioning/system-admin";
import { saveApproverGroup } from "../requests/groups";
import { saveTemplate, setTemplateActive } from "../requests/templates";
import { removeApproverGroupIn } from "./groups";
import type { ConfigPlan } from "./plan";
import { removeConfiguredResource, saveConfiguredResource } from "./resources";

/**
 * Applies a plan inside the caller's transaction through each kind's own service (their rules and
 * their audit events: one per change), in an order that lets references resolve: groups, systems
 * and resources before the templates naming them; removals last, resources before their system.
 * A refusal names the item's file and line and rolls everything back.
 */
export async function applyConfigPlan(
  tx: Tx,
  outer: ServiceContext,
  plan: ConfigPlan,
  message: string,
  /** the approved proposal, when another IT admin approves one (the actor is then its decider) */
  proposal?: { id: number; proposedBy: string },
) {
  // Each service opens its own transaction: on `tx` that is a savepoint inside this one.
  const ctx: ServiceContext = { ...outer, db: tx as unknown as Db };
  const { desired, current, changes } = plan;
  const item = <K extends ConfigKind>(kind: K, key: string) =>
    (desired[kind] as ConfigItem[]).find((i) => itemKey(kind, i) === key) as ConfigSet[K][number];
  const was = <K extends ConfigKind>(kind: K, key: string) =>
    (current[kind] as ConfigItem[]).find((i) => itemKey(kind, i) === key) as ConfigSet[K][number] | undefined;
  const of = (kind: ConfigKind, change?: PlannedChange["change"]) =>
    changes.filter((c) => c.kind === kind && (change ? c.change === change : c.change !== "remove"));
  const step = async (c: PlannedChange, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      if (!isDomainError(err)) throw err;
      const where = `${configFileOf[c.kind]}${c.line ? `:${c.line}` : ""}`;
      throw new DomainError(err.code, `${where}: ${c.key}: ${err.message}`, { field: err.field, cause: err });
    }
  };

  for (const c of of("approverGroups")) {
    const g = item("approverGroups", c.key);
    await step(c, () =>
      saveApproverGroup({
        ctx,
        input: { key: g.key, name: g.name, description: g.description, memberEmails: g.members },
      }),
    );
  }
  for (const c of of("systems"))
    await step(c, () => saveSystem(ctx, tx, item("systems", c.key), was("systems", c.key)));

  // A resource's default form may be new: it is set once the templates are saved.
  const templateExists = async (key: string | null) =>
    key !== null && (await tx.select().from(requestTemplates).where(eq(requestTemplates.key, key))).length > 0;
  const deferred: PlannedChange[] = [];
  for (const c of of("resources")) {
    const r = item("resources", c.key);
    const ready = r.defaultTemplate === null || (await templateExists(r.defaultTemplate));
    if (!ready) deferred.push(c);
    await step(c, () =>
      saveConfiguredResource(
        tx,
        ctx,
        r,
        ready ? r.defaultTemplate : (was("resources", c.key)?.defaultTemplate ?? null),
      ),
    );
  }

  // A type's longest duration grows before the templates that need it, and shrinks after those that no longer offer it.
  const types = of("exceptionTypes");
  const shrinks = (c: PlannedChange) =>
    item("exceptionTypes", c.key).maxDurationMinutes < (was("exceptionTypes", c.key)?.maxDurationMinutes ?? 0);
  const saveType = (c: PlannedChange) => {
    const { type, ...settings } = item("exceptionTypes", c.key);
    return step(c, () => updateTypeSettings({ ctx, input: { type, ...settings } }));
  };
  for (const c of types.filter((t) => !shrinks(t))) await saveType(c);

  for (const c of of("templates")) {
    const t = item("templates", c.key);
    const before = was("templates", c.key);
    // A new template starts active. Out of the catalog before a change, back in after it.
    const activeNow = before ? before.active : true;
    await step(c, async () => {
      if (activeNow && !t.active) await setTemplateActive({ ctx, input: { key: t.key, active: false } });
      if (!before || c.fields.some((f) => f !== "active"))
        await saveTemplate({
          ctx,
          input: { key: t.key, name: t.name, description: t.description, definition: t.definition, create: !before },
        });
      if (!activeNow && t.active) await setTemplateActive({ ctx, input: { key: t.key, active: true } });
    });
  }
  for (const c of of("templates", "remove"))
    await step(c, () => setTemplateActive({ ctx, input: { key: c.key, active: false } }));
  for (const c of types.filter(shrinks)) await saveType(c);
  for (const c of deferred)
    await step(c, () => {
      const r = item("resources", c.key);
      return saveConfiguredResource(tx, ctx, r, r.defaultTemplate);
    });

  for (const c of of("fallbacks", "remove")) await step(c, () => deleteFallback({ ctx, input: { name: c.key } }));
  for (const c of of("fallbacks")) {
    const f = item("fallbacks", c.key);
    await step(c, () =>
      saveFallback({ ctx, input: { source: f.source, ...(c.change === "change" ? { previousName: f.name } : {}) } }),
    );
  }

  for (const c of of("resources", "remove")) await step(c, () => removeConfiguredResource(tx, ctx, c.key, message));
  for (const c of of("systems", "remove"))
    await step(c, () => retireSystem({ ctx, input: { systemKey: c.key, reason: message } }));
  for (const c of of("approverGroups", "remove")) await step(c, () => removeApproverGroupIn(tx, ctx, c.key));

  await recordAuditEvent(tx, outer, {
    action: "config.imported",
    subjectType: "configuration",
    after: {
      ...planCounts(changes),
      changes: changes.map((c) => ({ kind: c.kind, key: c.key, change: c.change })),
      // The actor approved it; who proposed it is on the record too.
      ...(proposal ? { proposalId: proposal.id, proposedBy: proposal.proposedBy } : {}),
    },
    reason: message,
  });
}

/** A system's own saves: add, edit, adapter; then the settings only configuration sets (review, grace, drift). */
async function saveSystem(ctx: ServiceContext, tx: Tx, s: SystemItem, before: SystemItem | undefined) {
  const settings = { adapterKind: s.adapter.kind, adapterConfig: s.adapter.settings, withoutConnectionTest: true };
  if (!before) {
    await addSystem({
      ctx,
      input: { key: s.key, name: s.name, description: s.description, accessLevels: s.accessLevels, ...settings },
    });
  } else {
    if (
      before.name !== s.name ||
      before.description !== s.description ||
      `${before.accessLevels}` !== `${s.accessLevels}`
    )
      await editSystem({
        ctx,
        input: { systemKey: s.key, name: s.name, description: s.description, accessLevels: s.accessLevels },
      });
    if (canonicalJson(before.adapter) !== canonicalJson(s.adapter))
      await configureSystemAdapter({ ctx, input: { systemKey: s.key, ...settings } });
  }
  const was = before ?? { reviewPlans: false, graceDays: null, driftAutoRemediate: false };
  const after = { reviewPlans: s.reviewPlans, graceDays: s.graceDays, driftAutoRemediate: s.driftAutoRemediate };
  const previous = {
    reviewPlans: was.reviewPlans,
    graceDays: was.graceDays,
    driftAutoRemediate: was.driftAutoRemediate,
  };
  if (JSON.stringify(previous) === JSON.stringify(after)) return;
  await tx.update(systems).set(after).where(eq(systems.key, s.key));
  await recordAuditEvent(tx, ctx, {
    action: "system.settings_changed",
    subjectType: "system",
    subjectId: s.key,
    before: previous,
    after,
  });
}
