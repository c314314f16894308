import { stringify } from "yaml";
import { NAME_PATTERN } from "../policy/parse";
import type { PatternDimension } from "./patterns";

/**
 * A policy drafted from an access pattern (seed 001, phase 3): the group's attribute value as
 * the condition, the chosen resources as grants at the level most of the group holds. It is a
 * draft: IT opens it in the policy editor, where lint and the impact preview check it.
 */
export interface DraftGrant {
  resource: string;
  /** the level most holders have in the snapshot, if any */
  level: string | null;
  holders: number;
}

export interface DraftInput {
  dimension: PatternDimension;
  /** the group's value, canonical spelling (e.g. "Sales Engineer") */
  value: string;
  groupSize: number;
  grants: readonly DraftGrant[];
  /** system key → its levels; a level the system does not have is left out */
  systemLevels: Readonly<Record<string, readonly string[]>>;
  /** names the policy set already uses */
  takenNames: ReadonlySet<string>;
}

const slug = (value: string) =>
  value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "") || "group";

/** sales-engineer-access for a job title, sales-department-access for a department; -2, -3… when taken. */
export function draftPolicyName(dimension: PatternDimension, value: string, taken: ReadonlySet<string>): string {
  const base = `${slug(value)}${dimension === "department" ? "-department" : ""}-access`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return NAME_PATTERN.test(name) ? name : "drafted-access";
}

const share = (holders: number, size: number) => `${Math.floor((holders / size) * 100)}%`;

export function draftPolicy(input: DraftInput): { name: string; source: string } {
  const name = draftPolicyName(input.dimension, input.value, input.takenNames);
  const who =
    input.dimension === "job_title"
      ? `people with job_title ${input.value}`
      : `people in the ${input.value} department`;
  const sorted = [...input.grants].sort((a, b) => b.holders - a.holders || a.resource.localeCompare(b.resource));
  const grants = sorted.map((g) => {
    const system = g.resource.slice(0, g.resource.indexOf(":"));
    const level = g.level && input.systemLevels[system]?.includes(g.level) ? g.level : null;
    return level ? { resource: g.resource, level } : g.resource;
  });
  const body = stringify(
    {
      name,
      description: `Drafted from the access snapshot: what ${input.groupSize} ${who} hold`,
      when: [{ [input.dimension]: input.value }],
      grants,
    },
    // One line per value, however long: folded lines read badly in the editor.
    { lineWidth: 0 },
  );
  const held = sorted.map(
    (g) => `#   ${g.resource}: ${g.holders} of ${input.groupSize} (${share(g.holders, input.groupSize)})`,
  );
  const header = [
    `# Drafted from the access snapshot: ${input.groupSize} ${who}.`,
    "# Who holds each grant today:",
    ...held,
    "# Preview the impact before saving: everyone the condition matches gets these.",
  ];
  // An HR value with a line break in it must not end the comment early.
  const comments = header.map((line) => line.replace(/[\r\n]+/g, " "));
  return { name, source: `${comments.join("\n")}\n${body}` };
}
