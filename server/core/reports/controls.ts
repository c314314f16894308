/**
 * Which report evidences which control (issue 6): SOC 2 (2017 TSC), ISO/IEC 27001:2013 Annex A
 * with its 2022 numbers, and SOX IT general controls for access. The evidence pack's
 * CONTROLS.md is written from this table.
 */
export interface ControlMapping {
  framework: string;
  control: string;
  title: string;
  evidence: { file: string; why: string }[];
}

export const controlMappings: ControlMapping[] = [
  {
    framework: "SOC 2",
    control: "CC6.1",
    title: "Logical access security: access is restricted by policy",
    evidence: [
      { file: "policy-changes.csv", why: "the access rules in force, every change, its author and approver" },
      {
        file: "access-as-of-end.csv",
        why: "who had what at the end of the period, and the policy or exception behind each grant",
      },
      { file: "exception-log.csv", why: "every access outside policy, justified, approved and time-bound" },
    ],
  },
  {
    framework: "SOC 2",
    control: "CC6.2",
    title: "Access is authorized before it is granted",
    evidence: [
      { file: "approvals.csv", why: "each decision: approver, time to decide, stage" },
      { file: "requests.csv", why: "every request and what became of it" },
      { file: "exception-log.csv", why: "the approver of every exception" },
    ],
  },
  {
    framework: "SOC 2",
    control: "CC6.3",
    title: "Access is modified and removed as roles change; least privilege; segregation of duties",
    evidence: [
      { file: "access-as-of-start.csv", why: "access at the start of the period, to compare with the end" },
      { file: "access-as-of-end.csv", why: "access at the end of the period" },
      { file: "approvals.csv", why: "the separation-of-duties check on every decision" },
      { file: "leavers.csv", why: "removal of access at termination, with the time it took" },
    ],
  },
  {
    framework: "ISO/IEC 27001:2013",
    control: "A.9.2.1 (2022: 5.16)",
    title: "User registration and de-registration (identity management)",
    evidence: [
      { file: "leavers.csv", why: "de-registration: terminations and the removal of their access" },
      { file: "access-as-of-end.csv", why: "the identities that hold access" },
    ],
  },
  {
    framework: "ISO/IEC 27001:2013",
    control: "A.9.2.5 (2022: 5.18)",
    title: "Review of user access rights",
    evidence: [
      { file: "access-as-of-start.csv", why: "the access under review, with the reason for each grant" },
      { file: "access-as-of-end.csv", why: "" },
      { file: "exception-log.csv", why: "exceptions, their expiry and extensions" },
    ],
  },
  {
    framework: "ISO/IEC 27001:2013",
    control: "A.9.2.6 (2022: 5.18)",
    title: "Removal or adjustment of access rights",
    evidence: [
      { file: "leavers.csv", why: "time from termination until every grant was removed, and anything still open" },
      { file: "exception-log.csv", why: "exceptions removed at expiry or revoked" },
    ],
  },
  {
    framework: "SOX ITGC",
    control: "Access to programs and data",
    title: "Provisioning, periodic review, termination, change to access rules",
    evidence: [
      { file: "approvals.csv", why: "provisioning is approved" },
      { file: "leavers.csv", why: "terminations remove access" },
      { file: "policy-changes.csv", why: "changes to access rules are authored and approved" },
      { file: "audit-chain.txt", why: "the audit trail is complete and unaltered" },
    ],
  },
];

/** CONTROLS.md for a period. */
export function controlsDocument(period: { from: string; to: string }, chain: string): string {
  const lines = [
    `# Clearance evidence pack: ${period.from} to ${period.to}`,
    "",
    "Each control below names the files in this pack that evidence it. Every file was generated from",
    "Clearance's database when the pack was downloaded; the download itself is in the audit trail.",
    "",
    `Audit chain verification: ${chain}`,
    "",
  ];
  for (const m of controlMappings) {
    lines.push(`## ${m.framework} ${m.control}: ${m.title}`, "");
    for (const e of m.evidence) lines.push(`- \`${e.file}\`${e.why ? `: ${e.why}` : ""}`);
    lines.push("");
  }
  return lines.join("\n");
}
