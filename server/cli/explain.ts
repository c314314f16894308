import {
  explainAccess,
  type CompiledPolicySet,
  type Explanation,
  type FailedCondition,
  type HeldAccessAnswer,
} from "../core/policy";
import { commonFlags, type Command } from "./command";
import { withDatabase } from "./database";
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
required one; any deny policy that takes it away; or that the person is not Active.

Policy files hold policies only: exceptions and fallback grants are recorded in Clearance's
database, so this command does not count them, and says so when it answers "does NOT have".
\`clearance policy explain-db\` answers from the database, counting them as the app does.`,
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
    io.out(
      args.flags.has("json")
        ? `${JSON.stringify({ ...explanation, temporaryAccess: FILES_ONLY }, null, 2)}\n`
        : explanationText(explanation, set, dir),
    );
    return 0;
  },
};

const FILES_ONLY =
  "not counted: exceptions and fallback grants are recorded in Clearance's database (clearance policy explain-db counts them)";

/** `clearance policy explain-db --identity EMAIL --resource RES`: the app's answer, from the database. */
export const explainDbCommand: Command = {
  name: "explain-db",
  summary:
    "explain from Clearance's database: the active policies, the person as recorded, their exceptions and fallback grants",
  positionals: [],
  flags: {
    identity: { value: true, required: true, meta: "EMAIL", help: "the person's email in Clearance" },
    resource: { value: true, required: true, meta: "RES", help: "the resource, system:type:name" },
    json: { value: false, help: "print the explanation object as JSON (what the Explain page and API return)" },
  },
  details: `
The same answer as the Explain page and the policies.explain API, now: the active policy set, the
person's recorded attributes (aliases applied), then the temporary access they hold on the
resource, exceptions and fallback grants open by the clock, counted as expected access counts them
(only for an Active person, never against a deny policy). Without access: which fallback would
decide a request for it. Uses DATABASE_URL, or the project's own PostgreSQL when it is unset.
An email nobody has is exit 2. Exit 0.`,
  async run(args, io) {
    const email = args.flags.get("identity")!;
    return withDatabase(async (db) => {
      const [{ explainPersonAccess, policyEngine }, { findIdentityByEmail }] = await Promise.all([
        import("../services/policies"),
        import("../services/identity-lookup"),
      ]);
      const person = await findIdentityByEmail(db, email);
      if (!person) throw new CliError(`nobody in Clearance has the email ${email}`);
      const ctx = { db, clock: () => io.now(), actor: { type: "system" as const, name: "cli" } };
      const [answer, engine] = await Promise.all([
        explainPersonAccess({ ctx, input: { identityId: person.id, resource: args.flags.get("resource")! } }),
        policyEngine(db),
      ]);
      const e = { ...answer, identity: person.email };
      io.out(
        args.flags.has("json")
          ? `${JSON.stringify(e, null, 2)}\n`
          : explanationText(e, engine.compiled, `the active policy set (version ${engine.versionId ?? "none"})`),
      );
      return 0;
    });
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
  if (f.attribute)
    lines.push(`${indent}  required: ${f.requirement}`, `${indent}  actual:   ${f.attribute} = ${valueText(f.actual)}`);
  else lines.push(`${indent}  required: ${f.requirement}`, `${indent}  none of them holds:`);
  for (const alt of f.alternatives ?? []) {
    if (alt.attribute)
      lines.push(`${indent}    - ${alt.requirement}: actual ${alt.attribute} = ${valueText(alt.actual)}`);
    else lines.push(...failureLines(alt, `${indent}    `));
  }
  return lines;
}

/** One short line per reason a person lacks a resource (for policy test failures). */
export function whyNotText(e: Explanation): string[] {
  if (e.granted) return [];
  const brief = (f: FailedCondition): string =>
    f.attribute
      ? `${f.requirement} (actual: ${valueText(f.actual)})`
      : `${f.requirement} (${(f.alternatives ?? []).map(brief).join("; ")})`;
  const out: string[] = [];
  if (!e.active) out.push(`not Active (employment_status: ${e.employmentStatus ?? "(no value)"})`);
  for (const d of e.deniedBy) out.push(`denied by ${d}`);
  for (const s of e.sources) if (s.failed) out.push(`${s.via[0]}: ${brief(s.failed)}`);
  if (e.sources.length === 0) out.push(`no policy grants ${e.resource}`);
  return out;
}

/** What the database adds to a policy explanation (explain-db); absent when only files were read. */
interface FromDatabase {
  temporary: HeldAccessAnswer[];
  fallback: { action: string; name: string | null; message: string | null } | null;
}

function temporaryText(t: HeldAccessAnswer): string {
  const what =
    t.source === "fallback"
      ? `fallback access EXC-${t.number}, given by the allow fallback ${t.fallbackName}`
      : `exception EXC-${t.number} (${t.type.replace(/_/g, " ")}), approved by ${t.approvedBy ?? "an approval rule"}`;
  return `${what}${t.level ? `, level ${t.level}` : ""}, until ${t.expiresAt.toISOString().slice(0, 10)}`;
}

/**
 * The explanation in words: a headline (has / does not have), then every policy that could
 * give it. From files (`dir` names them) it says that exceptions are not counted; from the
 * database it names the exception or fallback grant behind the access.
 */
export function explanationText(e: Explanation & Partial<FromDatabase>, set: CompiledPolicySet, dir: string): string {
  const lines: string[] = [];
  const where = (name: string) => {
    const p = set.byName.get(name)?.policy;
    return p ? `${p.file}:${p.at.line}` : "?";
  };
  const counting = e.temporary?.filter((t) => t.counts) ?? [];
  if (e.granted) {
    lines.push(
      `${e.identity} HAS ${grantText(e.resource, e.granted.level)}`,
      `  via ${chainText(e.granted.via)}`,
      `  at ${where(e.granted.via.at(-1)!)}`,
    );
    for (const t of counting) lines.push(`  also held through ${temporaryText(t)}`);
  } else if (counting.length) {
    lines.push(
      `${e.identity} HAS ${e.resource}`,
      ...counting.map((t) => `  through ${temporaryText(t)}`),
      `  no policy in ${dir} gives it`,
    );
  } else {
    lines.push(`${e.identity} does NOT have ${e.resource}`);
    if (!e.temporary)
      lines.push(
        `  (from the policies in ${dir} only: exceptions and fallback grants are recorded in Clearance's database; clearance policy explain-db counts them)`,
      );
    if (!e.active) {
      lines.push(
        `  ${e.identity} is not Active (employment_status: ` +
          `${e.employmentStatus ?? "(no value)"}): someone who is not Active has no access, ` +
          `whatever policies match.`,
      );
    }
    for (const d of e.deniedBy) lines.push(`  denied by ${d} (deny policy, ${where(d)}): a deny beats every allow`);
    for (const t of e.temporary ?? []) lines.push(`  ${temporaryText(t)} is held but does not count: ${t.blockedBy}`);
    if (e.sources.length === 0) lines.push(`  no policy in ${dir} grants ${e.resource}`);
    if (e.fallback) {
      const decides = e.fallback.name
        ? `fallback ${e.fallback.name} decides: ${e.fallback.action}`
        : "no fallback applies: denied by default";
      const why = e.fallback.message ? ` (${e.fallback.message.trim().split("\n")[0]})` : "";
      lines.push(`  ${decides}${why}`);
    }
  }
  if (e.sources.length) {
    lines.push("", `Policies that grant ${e.resource}:`);
    for (const s of e.sources) {
      const head = `${s.via.join(" → ")} gives ${grantText(e.resource, s.level)}`;
      if (s.matched) {
        const chosen = e.granted && e.granted.via.join() === s.via.join();
        const note = chosen
          ? "matches (this grant wins)"
          : e.granted
            ? "matches (another grant wins)"
            : e.deniedBy.length
              ? "matches, but a deny policy takes it away"
              : e.active
                ? "matches"
                : "matches, but the person is not Active";
        lines.push(`  ✓ ${head}: ${note}`);
      } else {
        lines.push(`  ✗ ${head}: does not match`);
        if (s.failed) lines.push(...failureLines(s.failed, "      "));
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
