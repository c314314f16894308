export interface Suggestion {
  looksLike: string | null;
  evidence: { kind: string; text: string } | null;
}

/** The value an HR value is likely a misspelling of, with the evidence underneath; a dash without one. */
export function LooksLike({ s }: { s: Suggestion }) {
  if (!s.looksLike) return <span className="text-slate-500">—</span>;
  return (
    <>
      <span className="font-medium text-slate-900">{s.looksLike}</span>
      {s.evidence && <span className="block text-xs text-slate-500">Evidence: {s.evidence.text}</span>}
    </>
  );
}
