import { lintPolicies, unknownValues, type PolicyProblem } from "../core/policy";
import { commonFlags, type Command } from "./command";
import { readIdentities } from "./identities";
import { formatProblem, readConfig, readPolicyDir } from "./inputs";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `clearance policy lint DIR`: parse errors, lint problems and (with people) unknown HR values. */
export const lintCommand: Command = {
  name: "lint",
  summary: "check policy files: syntax, unknown attributes/inherits/systems/levels, contradictions, complexity",
  positionals: ["DIR"],
  flags: {
    config: commonFlags.config,
    identities: {
      ...commonFlags.identities,
      help: "also warn about policy values nobody has and HR values no policy or alias knows",
    },
    json: commonFlags.json,
  },
  details: `
Prints one line per problem, sorted by file and line:
  FILE:LINE: error|warning: message [code]
then a summary line. Parse errors count as errors. Unknown systems, resources and levels are
checked when --config names systems (and resources).
Exit 0 when there are no errors (warnings alone are fine), 1 when there are errors.`,
  run(args, io) {
    const dir = args.positionals[0]!;
    const cfg = readConfig(args.flags.get("config"));
    const people = args.flags.has("identities") ? readIdentities(args.flags.get("identities")!) : null;
    const set = readPolicyDir(dir);

    const problems: PolicyProblem[] = [
      ...set.problems,
      ...lintPolicies(set.policies, { config: cfg.config, catalog: cfg.catalog, identities: people?.identities }),
    ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);

    if (people) {
      for (const u of unknownValues(set.policies, people.identities, cfg.config)) {
        const first = people.identities.find(
          (i) => i.attributes[u.attribute] === u.value || String(i.attributes[u.attribute] ?? "").trim() === u.value,
        );
        problems.push({
          severity: "warning",
          code: "unknown-value",
          message:
            `${u.attribute} "${u.value}" (${plural(u.people, "person", "people")}) is named by no policy and no alias` +
            (u.looksLike ? `; likely "${u.looksLike}" (${u.evidence!.text})` : "") +
            ": add an alias or correct the HR record",
          file: people.file,
          line: (first && people.lines.get(first.id)) ?? 1,
          field: u.attribute,
        });
      }
    }

    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    if (args.flags.has("json")) {
      io.out(
        `${JSON.stringify({ errors, warnings, policies: set.policies.length, files: set.files.length, problems }, null, 2)}\n`,
      );
    } else {
      for (const p of problems) io.out(`${formatProblem(p)}\n`);
      io.out(
        `${errors ? "✗" : "✓"} ${dir}: ${plural(set.policies.length, "policy", "policies")} in ${plural(set.files.length, "file")}: ` +
          `${plural(errors, "error")}, ${plural(warnings, "warning")}\n`,
      );
    }
    return errors > 0 ? 1 : 0;
  },
};
