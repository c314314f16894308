import { parsePolicyFile } from "./parse";
import type { Policy, PolicyProblem } from "./types";

/** A policy set as files: the unit of storage, export and import (round-trips exactly). */
export interface PolicyFile {
  path: string;
  source: string;
}

export interface LoadedPolicySet {
  files: PolicyFile[];
  policies: Policy[];
  /** problems that make a policy unusable (it is left out of `policies`) */
  problems: PolicyProblem[];
}

/** Parses every file; a policy with errors is left out and its problems are reported. */
export function loadPolicySet(files: readonly PolicyFile[]): LoadedPolicySet {
  const policies: Policy[] = [];
  const problems: PolicyProblem[] = [];
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const parsed = parsePolicyFile(f.path, f.source);
    policies.push(...parsed.policies);
    problems.push(...parsed.problems);
  }
  return { files: [...files], policies, problems };
}

/** Policy files are .yaml/.yml files that are not policy tests. */
export const isPolicyFile = (path: string) => /\.ya?ml$/i.test(path) && !isPolicyTestFile(path);
export const isPolicyTestFile = (path: string) => /\.test\.ya?ml$/i.test(path);
