interface Row {
  attribute: string;
  value: string;
  people: number;
  looksLike: string | null;
}

export function UnknownValuesTable({ rows, caption }: { rows: Row[]; caption?: string }) {
  if (rows.length === 0) return caption ? <p className="text-sm text-emerald-700">No likely misspellings.</p> : null;
  return (
    <table className="mt-1 w-full text-left text-sm">
      {caption && <caption className="mb-1 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">{caption}</caption>}
      <thead>
        <tr className="text-xs uppercase tracking-wide text-slate-500">
          <th scope="col" className="py-1 font-medium">Attribute</th>
          <th scope="col" className="py-1 font-medium">Value</th>
          <th scope="col" className="py-1 font-medium">Looks like</th>
          <th scope="col" className="py-1 text-right font-medium">People</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((u) => (
          <tr key={`${u.attribute}:${u.value}`}>
            <td className="py-1 font-mono text-xs">{u.attribute}</td>
            <td className="py-1">{u.value}</td>
            <td className="py-1 text-slate-600">{u.looksLike ?? "—"}</td>
            <td className="py-1 text-right tabular-nums">{u.people}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
