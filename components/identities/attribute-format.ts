import type { AttributeValue } from "@/server/core/identity/attributes";

export function formatAttribute(value: AttributeValue): string {
  if (value === null || value === "") return "—";
  return Array.isArray(value) ? (value.length ? value.join(", ") : "none") : value;
}

const channelLabels: Record<string, string> = {
  seed: "demo data",
  hr_event: "HR event",
  scim: "SCIM",
  csv: "CSV import",
  admin: "by hand",
  pull: "directory pull",
};

/** "SCIM · okta" or "CSV import · dana@corp.example": which channel set an attribute, and who through it. */
export function provenanceLabel(p: { source: string; actorLabel: string }): string {
  const channel = channelLabels[p.source] ?? p.source;
  // system actors are "system:scim:<source key>", "system:hr:<source key>"
  const who = p.actorLabel.startsWith("system:") ? p.actorLabel.split(":").slice(2).join(":") : p.actorLabel;
  return who ? `${channel} · ${who}` : channel;
}
