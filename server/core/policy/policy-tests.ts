import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import { validateAttributes } from "../identity/validate";
import type { CompiledPolicySet } from "./compile";
import { evaluateIdentity } from "./evaluate";
import type { PolicyIdentity, PolicyProblem } from "./types";

/**
 * Policy tests (`*.test.yaml`): people, and the grants they must and must not get, so a
 * policy change is tested before it ships, in CI, like code.
 *
 *   name: sales engineers
 *   at: 2026-11-22            # optional evaluation time (tenure)
 *   identities:
 *     - id: sarah
 *       attributes: { department: Sales, job_title: Sales Engineer, employment_status: Active }
 *       must_have: [salesforce:license:user, "gitlab:group:customer-solutions (reporter)"]
 *       must_not_have: [google:group:finance-reports@company.com]
 */
export interface PolicyTestCase {
  file: string;
  line: number;
  name: string;
  at: Date | null;
  identity: PolicyIdentity;
  mustHave: { resource: string; level: string | null }[];
  mustNotHave: string[];
}

export interface PolicyTestFailure {
  file: string;
  line: number;
  test: string;
  identity: string;
  message: string;
}

export function parsePolicyTests(file: string, source: string): { cases: PolicyTestCase[]; problems: PolicyProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  const problems: PolicyProblem[] = [];
  const problem = (line: number, field: string, message: string) =>
    problems.push({ severity: "error", code: "test-syntax", message, file, line, field });
  if (doc.errors.length) {
    for (const e of doc.errors) problem(lines.linePos(e.pos[0]).line, "", `YAML: ${e.message.split("\n")[0]}`);
    return { cases: [], problems };
  }
  const data = doc.toJS() as Record<string, unknown> | null;
  const lineOf = (node: unknown) =>
    (node as YamlNode | undefined)?.range ? lines.linePos((node as YamlNode).range![0]).line : 1;
  if (!data || typeof data !== "object" || !Array.isArray(data.identities)) {
    problem(1, "identities", "a policy test file has `identities:`, a list of people with must_have / must_not_have");
    return { cases: [], problems };
  }
  const name = typeof data.name === "string" ? data.name : file;
  let at: Date | null = null;
  if (data.at !== undefined) {
    at = new Date(String(data.at instanceof Date ? data.at.toISOString() : data.at));
    const atLine = isMap(doc.contents) ? lineOf(doc.contents.get("at", true)) : 1;
    if (Number.isNaN(at.getTime())) problem(atLine, "at", `at must be a date or time, not "${String(data.at)}"`);
  }
  const nodes = (() => {
    const root = doc.contents;
    const ids = isMap(root) ? root.get("identities", true) : null;
    return isSeq(ids) ? ids.items : [];
  })();
  const cases: PolicyTestCase[] = [];
  (data.identities as unknown[]).forEach((raw, i) => {
    const line = lineOf(nodes[i]);
    const entry = raw as Record<string, unknown>;
    if (
      !entry ||
      typeof entry !== "object" ||
      typeof entry.id !== "string" ||
      typeof entry.attributes !== "object" ||
      !entry.attributes
    ) {
      problem(line, `identities[${i}]`, "each person has an id and attributes");
      return;
    }
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
    const attributes = Object.fromEntries(
      Object.entries(entry.attributes as Record<string, unknown>).map(([k, v]) => [
        k,
        Array.isArray(v)
          ? v.map(String)
          : v instanceof Date
            ? v.toISOString().slice(0, 10)
            : v == null
              ? null
              : String(v),
      ]),
    );
    const checked = validateAttributes(attributes);
    if (!checked.ok) {
      for (const bad of checked.problems) problem(line, `identities[${i}].attributes.${bad.field}`, bad.message);
      return;
    }
    cases.push({
      file,
      line,
      name,
      at,
      identity: { id: entry.id, attributes },
      mustHave: list(entry.must_have).map((text) => {
        const m = /^(.*\S)\s+\(([^()]+)\)$/.exec(text.trim());
        return m ? { resource: m[1]!, level: m[2]!.trim() } : { resource: text.trim(), level: null };
      }),
      mustNotHave: list(entry.must_not_have).map((t) => t.trim()),
    });
  });
  return { cases, problems };
}

/** Runs test cases against a compiled set; `now` is used where a file gives no `at`. */
export function runPolicyTests(
  set: CompiledPolicySet,
  cases: readonly PolicyTestCase[],
  now: Date,
): PolicyTestFailure[] {
  const failures: PolicyTestFailure[] = [];
  for (const c of cases) {
    const grants = new Map(evaluateIdentity(set, c.identity, c.at ?? now).map((g) => [g.resource, g]));
    const fail = (message: string) =>
      failures.push({ file: c.file, line: c.line, test: c.name, identity: c.identity.id, message });
    for (const want of c.mustHave) {
      const got = grants.get(want.resource);
      if (!got) fail(`should have ${want.resource}, but does not get it from policy`);
      else if (want.level !== null && got.level !== want.level)
        fail(
          `should have ${want.resource} at ${want.level}, but gets ${got.level ?? "no level"} (via ${got.via.join(" → ")})`,
        );
    }
    for (const resource of c.mustNotHave) {
      const got = grants.get(resource);
      if (got) fail(`should not have ${resource}, but gets it via ${got.via.join(" → ")}`);
    }
  }
  return failures;
}
