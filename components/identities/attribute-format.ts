import type { AttributeValue } from "@/server/core/identity/attributes";

export function formatAttribute(value: AttributeValue): string {
  if (value === null || value === "") return "—";
  return Array.isArray(value) ? (value.length ? value.join(", ") : "none") : value;
}
