/**
 * Why a drift finding is one, in two sentences: what Clearance expects (policy, an exception, a
 * grace period) and what the system reports. Built from what the comparison found, so the
 * explanation is the one that was true when it was found.
 */
export type DriftKind = "excess" | "missing" | "level";
export const driftKindLabels: Record<DriftKind, string> = {
  excess: "Excess access",
  missing: "Missing access",
  level: "Wrong level",
};

export interface DriftFacts {
  kind: DriftKind;
  username: string;
  resource: string;
  /** null: no identity has this account name */
  person: { name: string; status: string } | null;
  expectedLevel: string | null;
  actualLevel: string | null;
  /** the policies that grant it (matched policy first), when policy does */
  policies: string[] | null;
  /** the exception that covers it, when one does */
  exception: { number: number; type: string; expiresAt: Date } | null;
  /** the person's last exception for this resource that ended, if any */
  endedException: { number: number; endReason: string; endedAt: Date } | null;
}

export interface DriftExplanation {
  expected: string;
  actual: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const lvl = (level: string | null) => (level ? ` (${level})` : "");

export function explainDrift(f: DriftFacts): DriftExplanation {
  const who = f.person?.name ?? f.username;
  const actual =
    f.kind === "missing"
      ? `${f.resource} has no access for ${f.username}`
      : `${f.username} holds ${f.resource}${lvl(f.actualLevel)}`;
  if (f.kind === "excess") {
    if (!f.person)
      return { expected: `No identity has the account name ${f.username}: an account nobody in HR owns`, actual };
    if (f.person.status.trim().toLowerCase() !== "active")
      return { expected: `${who} is ${f.person.status}: nobody who is not Active keeps access`, actual };
    const ended = f.endedException
      ? `; EXC-${f.endedException.number} ended (${f.endedException.endReason}) on ${day(f.endedException.endedAt)}`
      : "";
    return { expected: `Not in any policy that applies to ${who}, and no active exception covers it${ended}`, actual };
  }
  const source = f.exception
    ? `EXC-${f.exception.number} (${f.exception.type.replace(/_/g, " ")}) covers it until ${day(f.exception.expiresAt)}`
    : `${(f.policies ?? []).join(" → ")} grants it`;
  if (f.kind === "missing") return { expected: `${source}${lvl(f.expectedLevel)}`, actual };
  return { expected: `${source} at ${f.expectedLevel ?? "the lowest level"}`, actual };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60) || "policy";
// Plain when YAML reads it back unchanged (no ": ", " #", or a leading indicator); quoted otherwise.
const yamlText = (s: string) =>
  /^[\w .@#/:-]+$/.test(s) && !/: |:$| #/.test(s) && !/^[#\-\s:]/.test(s) ? s : JSON.stringify(s);

/**
 * "Add to a policy" for excess access: a draft that grants the resource to the person's role
 * (job title within department), for IT to check in the editor's impact preview before saving.
 */
export function policyDraftForAccess(input: {
  jobTitle: string | null;
  department: string | null;
  resource: string;
  level: string | null;
}): string {
  const when = [
    input.department ? `  - department: ${yamlText(input.department)}` : null,
    input.jobTitle ? `  - job_title: ${yamlText(input.jobTitle)}` : null,
  ].filter(Boolean);
  const grant = input.level
    ? `  - resource: ${yamlText(input.resource)}\n    level: ${yamlText(input.level)}`
    : `  - ${yamlText(input.resource)}`;
  const name = slug(`${input.jobTitle ?? input.department ?? "role"} ${input.resource.split(":").slice(2).join("-")}`);
  return [
    `name: ${name}`,
    `description: Found in place by drift detection; granted to the role instead of by hand`,
    "when:",
    ...(when.length ? when : ["  - employment_status: Active"]),
    "grants:",
    grant,
    "",
  ].join("\n");
}

/** The facts a finding stores when found (drift_findings.explanation). */
export interface StoredDriftFacts {
  policies: string[] | null;
  exception: { number: number; type: string; expiresAt: string } | null;
  person: { name: string; status: string } | null;
  endedException: { number: number; endReason: string; endedAt: string } | null;
}

/** A stored finding's explanation, from the facts kept with it. */
export function explainFinding(f: {
  kind: string;
  username: string;
  resourceKey: string;
  expectedLevel: string | null;
  actualLevel: string | null;
  explanation: unknown;
}): DriftExplanation {
  const facts = (f.explanation ?? {}) as Partial<StoredDriftFacts>;
  return explainDrift({
    kind: f.kind as DriftKind,
    username: f.username,
    resource: f.resourceKey,
    person: facts.person ?? null,
    expectedLevel: f.expectedLevel,
    actualLevel: f.actualLevel,
    policies: facts.policies ?? null,
    exception: facts.exception
      ? { number: facts.exception.number, type: facts.exception.type, expiresAt: new Date(facts.exception.expiresAt) }
      : null,
    endedException: facts.endedException
      ? {
          number: facts.endedException.number,
          endReason: facts.endedException.endReason,
          endedAt: new Date(facts.endedException.endedAt),
        }
      : null,
  });
}
