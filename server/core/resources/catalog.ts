import { z } from "zod";
import { type CsvRow, isBlankRow } from "@/server/core/csv";

/** How much harm misuse of a resource could do; requesters and approvers see it. */
export const SENSITIVITIES = ["low", "medium", "high", "critical"] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

const printable = (what: string) =>
  z.string().refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} may not hold control characters`);

/** One resource of the catalog as IT writes it (owners by email). */
export const resourceInputSchema = z.strictObject({
  systemKey: z.string().regex(/^[a-z][a-z0-9-]*$/, "a system key"),
  type: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, "lower-case letters, digits, - and _, starting with a letter (group, role)"),
  name: printable("the name")
    .pipe(z.string().trim().min(1, "a name").max(200))
    .refine((n) => !/\s/.test(n), "no spaces (it is the name in the system, e.g. finance-reports@company.com)"),
  displayName: printable("the display name").pipe(z.string().trim().max(200)).default(""),
  description: z.string().trim().max(1000).default(""),
  sensitivity: z.enum(SENSITIVITIES, { error: "low, medium, high or critical" }).default("medium"),
  requestable: z.boolean().default(true),
  defaultTemplateKey: z.string().trim().min(1).max(100).nullable().default(null),
  ownerEmails: z.array(z.email("an email address").max(320)).max(20, "at most 20 owners").default([]),
});
export type ResourceInput = z.output<typeof resourceInputSchema>;

export const resourceKeyOf = (r: Pick<ResourceInput, "systemKey" | "type" | "name">) =>
  `${r.systemKey}:${r.type}:${r.name}`;

/** The fields of a resource that an edit can change, as compared to decide "changed". */
export function changedFields(
  before: Omit<ResourceInput, "systemKey" | "type" | "name">,
  after: Omit<ResourceInput, "systemKey" | "type" | "name">,
): string[] {
  const fields = ["displayName", "description", "sensitivity", "requestable", "defaultTemplateKey"] as const;
  const changed: string[] = fields.filter((f) => before[f] !== after[f]);
  const owners = (o: string[]) =>
    [...o]
      .map((e) => e.toLowerCase())
      .sort()
      .join(",");
  if (owners(before.ownerEmails) !== owners(after.ownerEmails)) changed.push("ownerEmails");
  return changed;
}

export interface CsvProblem {
  line: number;
  field: string;
  message: string;
}

const CSV_COLUMNS = [
  "type",
  "name",
  "display_name",
  "description",
  "owners",
  "sensitivity",
  "requestable",
  "default_template",
] as const;
const YES = new Set(["yes", "true", "1", "y"]);
const NO = new Set(["no", "false", "0", "n"]);

/** The fields of a resource a CSV column sets. */
const FIELD_OF_COLUMN = {
  display_name: "displayName",
  description: "description",
  owners: "ownerEmails",
  sensitivity: "sensitivity",
  requestable: "requestable",
  default_template: "defaultTemplateKey",
} as const;
export type CsvField = (typeof FIELD_OF_COLUMN)[keyof typeof FIELD_OF_COLUMN];

export interface ResourceCsv {
  /** each good row, with the line it starts on */
  inputs: (ResourceInput & { line: number })[];
  /** the fields the file's columns set: a resource already in the catalog keeps the others */
  fields: CsvField[];
  problems: CsvProblem[];
}

/** A resource already in the catalog, changed by a CSV row: the columns the file has, the rest kept. */
export function mergeCsvRow(current: ResourceInput, row: ResourceInput, fields: readonly CsvField[]): ResourceInput {
  const merged = { ...current };
  for (const f of fields) (merged as Record<string, unknown>)[f] = row[f];
  return merged;
}

/**
 * A resource CSV for one system: a header row naming some of CSV_COLUMNS (type and name
 * required), then one resource per row. Owners are emails separated by ";" or spaces; requestable
 * is yes/no (empty: yes). Every problem names its line and column; nothing is kept unless all
 * rows are good.
 */
export function readResourceCsv(rows: CsvRow[], systemKey: string): ResourceCsv {
  const filled = rows.filter((r) => !isBlankRow(r));
  const header = filled[0];
  if (!header) return { inputs: [], fields: [], problems: [{ line: 1, field: "csv", message: "the file is empty" }] };
  const columns = header.cells.map((c) => c.trim().toLowerCase().replace(/\s+/g, "_"));
  const problems: CsvProblem[] = [];
  for (const c of columns)
    if (!(CSV_COLUMNS as readonly string[]).includes(c))
      problems.push({
        line: header.line,
        field: c,
        message: `unknown column "${c}" (known: ${CSV_COLUMNS.join(", ")})`,
      });
  for (const needed of ["type", "name"])
    if (!columns.includes(needed))
      problems.push({ line: header.line, field: needed, message: `the header needs a "${needed}" column` });
  if (problems.length) return { inputs: [], fields: [], problems };
  const fields = columns.flatMap((c) =>
    c in FIELD_OF_COLUMN ? [FIELD_OF_COLUMN[c as keyof typeof FIELD_OF_COLUMN]] : [],
  );

  const inputs: ResourceCsv["inputs"] = [];
  const seen = new Map<string, number>();
  for (const row of filled.slice(1)) {
    const cell = (c: (typeof CSV_COLUMNS)[number]) => {
      const i = columns.indexOf(c);
      return i < 0 ? "" : (row.cells[i] ?? "").trim();
    };
    const requestable = cell("requestable").toLowerCase();
    if (requestable && !YES.has(requestable) && !NO.has(requestable)) {
      problems.push({ line: row.line, field: "requestable", message: `"${cell("requestable")}" is not yes or no` });
      continue;
    }
    const parsed = resourceInputSchema.safeParse({
      systemKey,
      type: cell("type"),
      name: cell("name"),
      displayName: cell("display_name"),
      description: cell("description"),
      sensitivity: cell("sensitivity").toLowerCase() || undefined,
      requestable: requestable ? YES.has(requestable) : undefined,
      defaultTemplateKey: cell("default_template") || null,
      ownerEmails: cell("owners")
        .split(/[;\s,]+/)
        .filter(Boolean)
        .map((e) => e.toLowerCase()),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problems.push({ line: row.line, field: csvColumnOf(String(issue.path[0] ?? "")), message: issue.message });
      continue;
    }
    const key = resourceKeyOf(parsed.data);
    const earlier = seen.get(key);
    if (earlier) {
      problems.push({ line: row.line, field: "name", message: `${key} is already on line ${earlier}` });
      continue;
    }
    seen.set(key, row.line);
    inputs.push({ ...parsed.data, line: row.line });
  }
  return { inputs, fields, problems };
}

const csvColumnOf = (field: string) =>
  ({ displayName: "display_name", ownerEmails: "owners", defaultTemplateKey: "default_template" })[field] ?? field;

/** A resource an adapter reports (an LDAP group, a PostgreSQL role). */
export interface DiscoveredResource {
  type: string;
  name: string;
  description?: string;
}

/**
 * What discovery found against the catalog: resources the system has that the catalog lacks,
 * and catalog resources the system no longer reports.
 */
export function compareDiscovery(
  systemKey: string,
  discovered: readonly DiscoveredResource[],
  catalogKeys: readonly string[],
): { added: (DiscoveredResource & { key: string })[]; disappeared: string[]; unchanged: number } {
  const inCatalog = new Set(catalogKeys);
  const found = new Map<string, DiscoveredResource & { key: string }>();
  for (const d of discovered) {
    const key = `${systemKey}:${d.type}:${d.name}`;
    if (!found.has(key)) found.set(key, { ...d, key });
  }
  const added = [...found.values()].filter((d) => !inCatalog.has(d.key)).sort((a, b) => a.key.localeCompare(b.key));
  const disappeared = [...inCatalog].filter((k) => !found.has(k)).sort();
  return { added, disappeared, unchanged: found.size - added.length };
}

/** A policy file or fallback, by name, with its text. */
export interface NamedText {
  kind: "policy file" | "fallback";
  name: string;
  source: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The texts that name the key as a whole word, not as part of a longer key. */
export function textsNaming(texts: readonly NamedText[], key: string): NamedText[] {
  const whole = new RegExp(`(^|[^A-Za-z0-9._@:-])${escapeRegExp(key)}($|[^A-Za-z0-9._@:-])`);
  return texts.filter((t) => whole.test(t.source));
}
