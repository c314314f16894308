/** The audit log's filters as they appear in the URL (?q=&action=&subject=; the page number is unused: the log loads more on demand). */
export interface AuditParams {
  page: number;
  search?: string;
  action?: string;
  subjectId?: string;
}

export function parseAuditParams(raw: URLSearchParams): AuditParams {
  return {
    page: Math.max(1, Math.floor(Number(raw.get("page")) || 1)),
    search: raw.get("q")?.slice(0, 200) || undefined,
    action: raw.get("action") || undefined,
    subjectId: raw.get("subject") || undefined,
  };
}

export function auditQueryString(p: AuditParams): string {
  const q = new URLSearchParams();
  if (p.search) q.set("q", p.search);
  if (p.action) q.set("action", p.action);
  if (p.subjectId) q.set("subject", p.subjectId);
  if (p.page > 1) q.set("page", String(p.page));
  const s = q.toString();
  return s ? `?${s}` : "";
}
