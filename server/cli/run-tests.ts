import {
  evaluateIdentity,
  explainAccess,
  parsePolicyTests,
  runPolicyTests,
  type PolicyTestCase,
  type PolicyTestFailure,
} from "../core/policy";
import { commonFlags, type Command } from "./command";
import { CliError } from "./errors";
import { whyNotText } from "./explain";
import { compile, parseAt, readConfig, readPolicyDir, readPolicyTestFiles, requireParsed } from "./inputs";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `clearance policy test DIR`: every *.test.yaml in DIR against the policies in DIR. */
export const testCommand: Command = {
  name: "test",
  summary: "run the policy tests (*.test.yaml) in DIR against the policies in DIR",
  positionals: ["DIR"],
  flags: {
    config: commonFlags.config,
    at: { ...commonFlags.at, help: "evaluation time for test files without their own `at:` (default: now)" },
  },
  details: `
A test file lists people (id, attributes) with must_have / must_not_have grants; a grant may
name a level as "resource (level)". Prints "ok" or "FAIL" per person with the reasons, then a
summary line. Exit 0 when every test passes, 1 when one fails or DIR has no *.test.yaml files.
A test file that does not parse is bad input (exit 2).`,
  run(args, io) {
    const dir = args.positionals[0]!;
    const cfg = readConfig(args.flags.get("config"));
    const now = parseAt(args.flags.get("at"), io.now());
    const set = compile(requireParsed(readPolicyDir(dir), dir), cfg);
    const files = readPolicyTestFiles(dir);
    if (files.length === 0) {
      io.err(`clearance: no policy tests (*.test.yaml) in ${dir}\n`);
      return 1;
    }

    const cases: PolicyTestCase[] = [];
    for (const f of files) {
      const parsed = parsePolicyTests(f.path, f.source);
      const problem = parsed.problems[0];
      if (problem)
        throw new CliError(
          `${problem.file}:${problem.line}: ${problem.message}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : ""}`,
        );
      cases.push(...parsed.cases);
    }

    const failures = runPolicyTests(set, cases, now);
    const byCase = new Map<string, PolicyTestFailure[]>();
    for (const f of failures) {
      const key = `${f.file}:${f.line}:${f.identity}`;
      byCase.set(key, [...(byCase.get(key) ?? []), f]);
    }
    let failed = 0;
    for (const c of cases) {
      const mine = byCase.get(`${c.file}:${c.line}:${c.identity.id}`) ?? [];
      if (mine.length) failed++;
      io.out(`${mine.length ? "FAIL" : "ok  "} ${c.file}:${c.line} ${c.name} › ${c.identity.id}\n`);
      for (const f of mine) io.out(`     ${f.message}\n`);
      if (mine.length) {
        // Grants the person lacks: say why, as explain would (each policy's first failing condition).
        const at = c.at ?? now;
        const got = new Set(evaluateIdentity(set, c.identity, at).map((g) => g.resource));
        for (const want of c.mustHave.filter((w) => !got.has(w.resource))) {
          for (const why of whyNotText(explainAccess(set, c.identity, want.resource, at)))
            io.out(`       why not ${want.resource}: ${why}\n`);
        }
      }
      // A must_not_have that no policy mentions passes whatever happens: likely a typo.
      for (const r of c.mustNotHave) {
        if (!set.resourceIds.has(r))
          io.out(`     warning: must_not_have ${r}: no policy in ${dir} mentions it, so this check cannot fail\n`);
      }
    }
    io.out(
      `${failed ? "✗" : "✓"} ${plural(cases.length, "person", "people")} in ${plural(files.length, "test file")}: ` +
        `${cases.length - failed} passed, ${failed} failed\n`,
    );
    return failed > 0 ? 1 : 0;
  },
};
