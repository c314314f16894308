import { and, inArray, isNotNull, ne, sql } from "drizzle-orm";
import { literalSecrets } from "@/server/adapters/literal-secrets";
import { adapterFor } from "@/server/adapters/registry";
import { AdapterError } from "@/server/adapters/types";
import {
  configFileOf,
  desiredConfig,
  lintConfig,
  parseConfigFiles,
  planConfigChanges,
  type ConfigFile,
  type ConfigProblem,
  type ConfigSet,
  type ParsedConfig,
  type PlannedChange,
} from "@/server/core/config";
import type { DbOrTx } from "@/server/db/client";
import { identities, requestTemplates, systems } from "@/server/db/schema";
import { configFingerprint, readCurrentConfig } from "./read";

export interface ConfigPlan {
  problems: ConfigProblem[];
  changes: PlannedChange[];
  parsed: ParsedConfig;
  current: ConfigSet;
  desired: ConfigSet;
  /** of `current` */
  fingerprint: string;
}

export const hasErrors = (problems: readonly ConfigProblem[]) => problems.some((p) => p.severity === "error");

/**
 * What importing `files` would do: their problems (file and line), and the items it would
 * create, change and remove. Reads only; the dry run prints it, the import applies it.
 */
export async function planConfigImport(db: DbOrTx, files: readonly ConfigFile[]): Promise<ConfigPlan> {
  const parsed = parseConfigFiles(files);
  const current = await readCurrentConfig(db);
  const fingerprint = configFingerprint(current);
  const desired = desiredConfig(parsed.set, current);
  if (hasErrors(parsed.problems))
    return { problems: parsed.problems, changes: [], parsed, current, desired, fingerprint };
  const changes = planConfigChanges(desired, current, parsed);
  const changedTypes = new Set(changes.filter((c) => c.kind === "exceptionTypes").map((c) => c.key));
  const problems = [
    ...parsed.problems,
    ...lintConfig(desired, parsed, {
      knownEmails: await knownEmails(db, desired),
      changedExceptionTypes: changedTypes,
      currentGroups: new Set(current.approverGroups.map((g) => g.key)),
    }),
    ...(await productProblems(db, parsed, desired, changes)),
  ];
  return { problems, changes, parsed, current, desired, fingerprint };
}

/** The emails the configuration names that belong to someone. */
async function knownEmails(db: DbOrTx, set: ConfigSet): Promise<Set<string>> {
  const named = new Set<string>([
    ...set.approverGroups.flatMap((g) => g.members),
    ...set.resources.flatMap((r) => r.owners),
    ...set.templates.flatMap((t) =>
      t.definition.stages.flatMap((s) => s.approvers.flatMap((a) => (a.kind === "person" ? [a.email] : []))),
    ),
  ]);
  if (named.size === 0) return new Set();
  const rows = await db
    .select({ email: sql<string>`lower(${identities.email})` })
    .from(identities)
    .where(
      inArray(
        sql`lower(${identities.email})`,
        [...named].map((e) => e.toLowerCase()),
      ),
    );
  return new Set(rows.map((r) => r.email));
}

/** What only the product can tell: adapter settings (and secrets written in them), keys taken by retired systems or by built-in forms. */
async function productProblems(
  db: DbOrTx,
  parsed: ParsedConfig,
  desired: ConfigSet,
  changes: readonly PlannedChange[],
): Promise<ConfigProblem[]> {
  const out: ConfigProblem[] = [];
  const report = (kind: "systems" | "templates", key: string, path: string[], message: string) =>
    out.push({ severity: "error", file: configFileOf[kind], line: parsed.lineOf(kind, key, path) ?? 0, message });
  const touched = (kind: string, key: string, field?: string) =>
    changes.some(
      (c) => c.kind === kind && c.key === key && (c.change === "create" || (field ? c.fields.includes(field) : true)),
    );
  // A file is shared and kept in version control: it names the variable holding a secret, never the secret.
  for (const s of parsed.set.systems ?? [])
    for (const { key, instead } of literalSecrets(s.adapter.settings))
      report(
        "systems",
        s.key,
        ["adapter", "settings", key],
        `${s.key}: adapter.settings.${key} is a secret written in the file; name the environment variable instead: ${instead}`,
      );
  for (const s of desired.systems) {
    if (!touched("systems", s.key, "adapter")) continue;
    try {
      await adapterFor({ key: s.key, adapterKind: s.adapter.kind, adapterConfig: s.adapter.settings }).close();
    } catch (err) {
      if (!(err instanceof AdapterError)) throw err;
      report("systems", s.key, ["adapter"], `${s.key}: ${err.message}`);
    }
  }
  const newSystems = changes.filter((c) => c.kind === "systems" && c.change === "create").map((c) => c.key);
  const newTemplates = changes.filter((c) => c.kind === "templates" && c.change === "create").map((c) => c.key);
  const retired = newSystems.length
    ? await db
        .select({ key: systems.key })
        .from(systems)
        .where(and(inArray(systems.key, newSystems), isNotNull(systems.retiredAt)))
    : [];
  const builtIn = newTemplates.length
    ? await db
        .select({ key: requestTemplates.key })
        .from(requestTemplates)
        .where(and(inArray(requestTemplates.key, newTemplates), ne(requestTemplates.origin, "catalog")))
    : [];
  for (const r of retired)
    report(
      "systems",
      r.key,
      ["key"],
      `${r.key}: a retired system has this key (retired systems stay in reports); choose another`,
    );
  for (const t of builtIn)
    report(
      "templates",
      t.key,
      ["key"],
      `${t.key}: a form Clearance made itself (for a fallback or IT's proposals) has this key; choose another`,
    );
  return out;
}
