import { explainAccess, type CompiledPolicySet, type Explanation, type FailedCondition } from "../core/policy";
import { commonFlags, type Command } from "./command";
import { CliError } from "./errors";
import { readIdentities } from "./identities";
import { compile, parseAt, readConfig, readPolicyDir, requireParsed } from "./inputs";

/** `clearance policy explain DIR --identities FILE --identity ID --resource RES`: why, or why not. */
export const explainCommand: Command = {
  name: "explain",
  summary: "explain why a person has a resource (the policy chain) or why not (the failing conditions)",
  positionals: ["DIR"],
  flags: {
    identities: { ...commonFlags.identities, required: true },
    identity: { value: true, required: true, meta: "ID", help: "the id of the person in FILE" },
    resource: { value: true, required: true, meta: "RES", help: "the resource, system:type:name" },
    at: commonFlags.at,
    config: commonFlags.config,
    json: { value: false, help: "print the engine's explanation object as JSON" },
  },
  details: `
With the grant: the level and the chain of policies that gives it (the matched policy, then
what it inherits down to the policy naming the grant). Without it: for every policy that would
give the resource, the first condition that fails, with the person's actual value and the
required one; any deny policy that takes it away; or that the person is not Active.`,
  run(args, io) {
    const dir = args.positionals[0]!;
    const cfg = readConfig(args.flags.get("config"));
    const people = readIdentities(args.flags.get("identities")!);
    const at = parseAt(args.flags.get("at"), io.now());
    const set = compile(requireParsed(readPolicyDir(dir), dir), cfg);
    const id = args.flags.get("identity")!;
    const identity = people.identities.find((i) => i.id === id);
    if (!identity) throw new CliError(`no identity "${id}" in ${people.file} (${people.identities.length} identities)`);
    const explanation = explainAccess(set, identity, args.flags.get("resource")!, at);
    io.out(args.flags.has("json") ? `${JSON.stringify(explanation, null, 2)}\n` : explanationText(explanation, set, dir));
    return 0;
  },
};

const grantText = (resource: string, level: string | null) => (level ? `${resource} (${level})` : resource);

function valueText(v: FailedCondition["actual"]): string {
  if (v === null || v === undefined) return "(no value)";
  if (Array.isArray(v)) return v.length ? `[${v.join(", ")}]` : "[] (none)";
  return String(v);
}

function chainText(via: readonly string[]): string {
  if (via.length === 1) return `${via[0]} (matches and grants it)`;
  return `${via.join(" → ")} (${via[0]} matches; it inherits ${via.slice(1).join(", which inherits ")}, which grants it)`;
}

function failureLines(f: FailedCondition, indent: string): string[] {
  const lines = [`${indent}first failing condition, ${f.file}:${f.line} (${f.field}):`];
  if (f.attribute) lines.push(`${indent}  required: ${f.requirement}`, `${indent}  actual:   ${f.attribute} = ${valueText(f.actual)}`);
  else lines.push(`${indent}  required: ${f.requirement}`, `${indent}  none of them holds:`);
  for (const alt of f.alternatives ?? []) {
    if (alt.attribute) lines.push(`${indent}    - ${alt.requirement}: actual ${alt.attribute} = ${valueText(alt.actual)}`);
    else lines.push(...failureLines(alt, `${indent}    `));
  }
  return lines;
}

/** One short line per reason a person lacks a resource (for policy test failures). */
export function whyNotText(e: Explanation): string[] {
  if (e.granted) return [];
  const brief = (f: FailedCondition): string =>
    f.attribute ? `${f.requirement} (actual: ${valueText(f.actual)})` : `${f.requirement} (${(f.alternatives ?? []).map(brief).join("; ")})`;
  const out: string[] = [];
  if (!e.active) out.push(`not Active (employment_status: ${e.employmentStatus ?? "(no value)"})`);
  for (const d of e.deniedBy) out.push(`denied by ${d}`);
  for (const s of e.sources) if (s.failed) out.push(`${s.via[0]}: ${brief(s.failed)}`);
  if (e.sources.length === 0) out.push(`no policy grants ${e.resource}`);
  return out;
}

/** The explanation in words: a headline (has / does not have), then every policy that could give it. */
export function explanationText(e: Explanation, set: CompiledPolicySet, dir: string): string {
  const lines: string[] = [];
  const where = (name: string) => {
    const p = set.byName.get(name)?.policy;
    return p ? `${p.file}:${p.at.line}` : "?";
  };
  if (e.granted) {
    lines.push(`${e.identity} HAS ${grantText(e.resource, e.granted.level)}`, `  via ${chainText(e.granted.via)}`, `  at ${where(e.granted.via.at(-1)!)}`);
  } else {
    lines.push(`${e.identity} does NOT have ${e.resource}`);
    if (!e.active) {
      lines.push(`  ${e.identity} is not Active (employment_status: ${e.employmentStatus ?? "(no value)"}): someone who is not Active has no access, whatever policies match.`);
    }
    for (const d of e.deniedBy) lines.push(`  denied by ${d} (deny policy, ${where(d)}): a deny beats every allow`);
    if (e.sources.length === 0) lines.push(`  no policy in ${dir} grants ${e.resource}`);
  }
  if (e.sources.length) {
    lines.push("", `Policies that grant ${e.resource}:`);
    for (const s of e.sources) {
      const head = `${s.via.join(" → ")} gives ${grantText(e.resource, s.level)}`;
      if (s.matched) {
        const chosen = e.granted && e.granted.via.join() === s.via.join();
        const note = chosen ? "matches (this grant wins)" : e.granted ? "matches (another grant wins)" : e.deniedBy.length ? "matches, but a deny policy takes it away" : e.active ? "matches" : "matches, but the person is not Active";
        lines.push(`  ✓ ${head}: ${note}`);
      } else {
        lines.push(`  ✗ ${head}: does not match`);
        if (s.failed) lines.push(...failureLines(s.failed, "      "));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
