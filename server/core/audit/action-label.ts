/** "request.info_requested" → "Request: info requested": an audit action as people read it. */
export function auditActionLabel(action: string): string {
  const [subject = "", ...rest] = action.split(".");
  const words = (s: string) => s.replace(/_/g, " ").trim();
  const head = words(subject).replace(/^./, (c) => c.toUpperCase());
  return rest.length ? `${head}: ${words(rest.join(" "))}` : head;
}
