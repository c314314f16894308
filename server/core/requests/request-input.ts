import type { Field, TemplateDefinition } from "./template";
import { formatDuration } from "./template";

export interface RequestInput {
  durationMinutes: number;
  justification: string;
  requestedStart: Date | null;
  fields: Record<string, unknown>;
  ticketReference: string | null;
}

export interface InputProblem {
  field: string;
  message: string;
}

/**
 * Checks what a requester filled in against the template: a duration it offers (and not past
 * the maximum), a justification long enough, the start when the requester picks it, the
 * ticket reference when required, and every custom field by its type.
 */
export function validateRequestInput(
  def: TemplateDefinition,
  input: RequestInput,
  now: Date,
): { ok: true; fields: Record<string, string | boolean> } | { ok: false; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  if (input.durationMinutes > def.maxDurationMinutes) {
    problems.push({
      field: "durationMinutes",
      message: `${formatDuration(input.durationMinutes)} is longer than this access allows (at most ${formatDuration(def.maxDurationMinutes)})`,
    });
  } else if (!def.durations.includes(input.durationMinutes)) {
    problems.push({
      field: "durationMinutes",
      message: `choose one of: ${def.durations.map(formatDuration).join(", ")}`,
    });
  }
  const justification = input.justification.trim();
  if (justification.length < def.justificationMinLength) {
    problems.push({
      field: "justification",
      message: `explain why in at least ${def.justificationMinLength} characters (${justification.length} so far)`,
    });
  }
  if (def.startMode === "requester_picks") {
    if (!input.requestedStart) problems.push({ field: "requestedStart", message: "pick when the access should start" });
    else if (input.requestedStart.getTime() < now.getTime() - 60_000)
      problems.push({ field: "requestedStart", message: "the start is in the past" });
  } else if (input.requestedStart) {
    problems.push({ field: "requestedStart", message: "this access starts when it is approved" });
  }
  const ticket = input.ticketReference?.trim() || null;
  if (def.ticketReference === "required" && !ticket)
    problems.push({ field: "ticketReference", message: "a ticket reference is required" });
  if (def.ticketReference === "hidden" && ticket)
    problems.push({ field: "ticketReference", message: "this access takes no ticket reference" });

  const fields: Record<string, string | boolean> = {};
  const known = new Set(def.fields.map((f) => f.key));
  for (const k of Object.keys(input.fields))
    if (!known.has(k)) problems.push({ field: `fields.${k}`, message: `${k} is not a field of this request` });
  for (const f of def.fields) {
    const checked = checkField(f, input.fields[f.key]);
    if (typeof checked === "string") problems.push({ field: `fields.${f.key}`, message: checked });
    else if (checked !== undefined) fields[f.key] = checked.value;
  }
  return problems.length ? { ok: false, problems } : { ok: true, fields };
}

function checkField(f: Field, raw: unknown): string | { value: string | boolean } | undefined {
  if (f.type === "checkbox") {
    if (raw === undefined || raw === null) return f.required ? `${f.label} must be ticked` : { value: false };
    if (typeof raw !== "boolean") return `${f.label} is a yes or no`;
    if (f.required && !raw) return `${f.label} must be ticked`;
    return { value: raw };
  }
  const text = typeof raw === "string" ? raw.trim() : raw === undefined || raw === null ? "" : null;
  if (text === null) return `${f.label} must be text`;
  if (!text) return f.required ? `${f.label} is required` : undefined;
  if (text.length > f.maxLength) return `${f.label} is longer than ${f.maxLength} characters`;
  if (f.type === "dropdown" && !f.options.includes(text)) return `${f.label} must be one of: ${f.options.join(", ")}`;
  return { value: text };
}
