import path from "node:path";
import { diffPolicySets, previewImpact, type ImpactPreview } from "../core/policy";
import { commonFlags, type Command } from "./command";
import { readIdentities } from "./identities";
import { compile, parseAt, readConfig, readPolicyDir, requireParsed } from "./inputs";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const grantText = (g: { resource: string; level: string | null }) =>
  g.level ? `${g.resource} (${g.level})` : g.resource;

/** `clearance policy preview OLD_DIR NEW_DIR --identities FILE`: who gains and who loses what. */
export const previewCommand: Command = {
  name: "preview",
  summary:
    "preview the impact of replacing the policies in OLD_DIR by those in NEW_DIR: who gains, loses or changes which grant",
  positionals: ["OLD_DIR", "NEW_DIR"],
  flags: {
    identities: { ...commonFlags.identities, required: true },
    at: commonFlags.at,
    config: commonFlags.config,
    json: { value: false, help: "print the engine's impact preview object as JSON" },
  },
  details: `
Prints the policy files that changed, the counts (people affected, grants gained, lost, and
changed in level), then one line per change:
  + ID gains RESOURCE (level) via policy-a → policy-b
  - ID loses RESOURCE (level) (was via ...)
  ~ ID: RESOURCE level old → new via ...
Everyone in FILE is evaluated with both versions. Exit 0 whatever the impact.`,
  run(args, io) {
    const [oldDir, newDir] = args.positionals as [string, string];
    const cfg = readConfig(args.flags.get("config"));
    const people = readIdentities(args.flags.get("identities")!);
    const at = parseAt(args.flags.get("at"), io.now());
    const before = requireParsed(readPolicyDir(oldDir), oldDir);
    const after = requireParsed(readPolicyDir(newDir), newDir);
    const impact = previewImpact(compile(before, cfg), compile(after, cfg), people.identities, at);
    if (args.flags.has("json")) {
      io.out(`${JSON.stringify(impact, null, 2)}\n`);
      return 0;
    }
    const relative = (files: readonly { path: string; source: string }[], dir: string) =>
      files.map((f) => ({ path: path.relative(dir, f.path), source: f.source }));
    const changes = diffPolicySets(relative(before.files, oldDir), relative(after.files, newDir));
    io.out(
      impactText(
        impact,
        oldDir,
        newDir,
        changes.map((c) => `${c.path} (${c.change})`),
        at,
      ),
    );
    return 0;
  },
};

export function impactText(
  impact: ImpactPreview,
  oldDir: string,
  newDir: string,
  changedFiles: string[],
  at: Date,
): string {
  const lines = [
    `Impact of ${newDir} replacing ${oldDir} on ${plural(impact.evaluated, "person", "people")} at ${at.toISOString()}`,
  ];
  lines.push(changedFiles.length ? `Changed policy files: ${changedFiles.join(", ")}` : "No policy file changed.");
  const count = (pick: (d: ImpactPreview["people"][number]["delta"]) => unknown[]) =>
    impact.people.filter((p) => pick(p.delta).length > 0).length;
  lines.push(
    `${plural(impact.people.length, "person", "people")} affected: ` +
      `${plural(impact.gains, "grant")} gained (${plural(
        count((d) => d.added),
        "person",
        "people",
      )}), ` +
      `${plural(impact.losses, "grant")} lost (${plural(
        count((d) => d.removed),
        "person",
        "people",
      )}), ` +
      `${plural(impact.levelChanges, "level change")} (${plural(
        count((d) => d.changed),
        "person",
        "people",
      )})`,
  );
  if (impact.people.length === 0) lines.push("Nobody's expected access changes.");
  else {
    const byGrant = new Map<string, { gain: number; lose: number; change: number }>();
    const bump = (resource: string, key: "gain" | "lose" | "change") => {
      const entry = byGrant.get(resource) ?? { gain: 0, lose: 0, change: 0 };
      entry[key]++;
      byGrant.set(resource, entry);
    };
    for (const { delta } of impact.people) {
      delta.added.forEach((g) => bump(g.resource, "gain"));
      delta.removed.forEach((g) => bump(g.resource, "lose"));
      delta.changed.forEach((g) => bump(g.resource, "change"));
    }
    lines.push("", "By grant:");
    for (const [resource, n] of [...byGrant].sort(([a], [b]) => a.localeCompare(b))) {
      const parts = [
        n.gain && `${n.gain} gain`,
        n.lose && `${n.lose} lose`,
        n.change && `${plural(n.change, "level change")}`,
      ].filter(Boolean);
      lines.push(`  ${resource}: ${parts.join(", ")}`);
    }
    lines.push("", "By person:");
  }
  for (const { identity, delta } of impact.people) {
    for (const g of delta.added) lines.push(`+ ${identity} gains ${grantText(g)} via ${g.via.join(" → ")}`);
    for (const g of delta.removed) lines.push(`- ${identity} loses ${grantText(g)} (was via ${g.via.join(" → ")})`);
    for (const c of delta.changed)
      lines.push(
        `~ ${identity}: ${c.resource} level ${c.from ?? "(none)"} → ${c.to ?? "(none)"} via ${c.via.join(" → ")}`,
      );
  }
  return `${lines.join("\n")}\n`;
}
