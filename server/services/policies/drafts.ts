import { isPolicyFile, lintPolicies, loadPolicySet, type PolicyFile, type PolicyProblem } from "@/server/core/policy";
import { DomainError } from "@/server/core/errors";
import type { DbOrTx } from "@/server/db/client";
import { policySettings } from "@/server/db/schema";
import { loadCatalog, loadPolicyConfig, loadPolicyIdentities } from "./engine";

export interface FileChangeInput {
  path: string;
  /** the new text, or null to delete the file */
  source: string | null;
}

const PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.ya?ml$/;

/** The set after applying changes to `base`; refuses bad paths and policy-test files. */
export function applyChanges(base: readonly PolicyFile[], changes: readonly FileChangeInput[]): PolicyFile[] {
  const files = new Map(base.map((f) => [f.path, f.source]));
  changes.forEach((c, i) => {
    if (!PATH.test(c.path) || !isPolicyFile(c.path)) {
      throw new DomainError(
        "INVALID_INPUT",
        `"${c.path}" is not a policy file name (letters, digits, . _ -, ending in .yaml)`,
        { field: `changes.${i}.path` },
      );
    }
    if (c.source === null) {
      if (!files.delete(c.path))
        throw new DomainError("INVALID_INPUT", `there is no file ${c.path} to delete`, { field: `changes.${i}.path` });
    } else files.set(c.path, c.source.endsWith("\n") ? c.source : `${c.source}\n`);
  });
  return [...files].map(([path, source]) => ({ path, source })).sort((a, b) => a.path.localeCompare(b.path));
}

export async function complexityThreshold(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ t: policySettings.complexityThreshold }).from(policySettings).limit(1);
  return row?.t ?? 12;
}

/** Parse problems and lint findings for a whole set, checked against the systems, resources and people there are. */
export async function lintFiles(db: DbOrTx, files: readonly PolicyFile[]): Promise<PolicyProblem[]> {
  const loaded = loadPolicySet(files);
  const [config, catalog, people, threshold] = await Promise.all([
    loadPolicyConfig(db),
    loadCatalog(db),
    loadPolicyIdentities(db),
    complexityThreshold(db),
  ]);
  return [
    ...loaded.problems,
    ...lintPolicies(loaded.policies, { config, catalog, identities: people, complexityThreshold: threshold }),
  ];
}

/** Refuses a set with errors, naming the first one's file and line. */
export function assertNoErrors(problems: readonly PolicyProblem[]) {
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length === 0) return;
  const first = errors[0]!;
  throw new DomainError(
    "INVALID_INPUT",
    `${errors.length} error${errors.length === 1 ? "" : "s"} in the policies; first: ${first.file}:${first.line}: ${first.message}`,
    { field: first.file },
  );
}
