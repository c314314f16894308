import Link from "next/link";
import { LooksLike, type Suggestion } from "@/components/identities/aliases/looks-like";
import { aliasableAttributes } from "@/server/core/policy/alias-rules";

interface Row extends Suggestion {
  attribute: string;
  value: string;
  people: number;
}

export function UnknownValuesTable({ rows, caption }: { rows: Row[]; caption?: string }) {
  if (rows.length === 0) return caption ? <p className="text-sm text-emerald-700">No likely misspellings.</p> : null;
  return (
    <table className="mt-1 w-full text-left text-sm">
      {caption && (
        <caption className="mb-1 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
          {caption}
        </caption>
      )}
      <thead>
        <tr className="text-xs tracking-wide text-slate-500 uppercase">
          <th scope="col" className="py-1 font-medium">
            Attribute
          </th>
          <th scope="col" className="py-1 font-medium">
            Value
          </th>
          <th scope="col" className="py-1 font-medium">
            Likely meant (evidence)
          </th>
          <th scope="col" className="py-1 text-right font-medium">
            People
          </th>
          <th scope="col" className="py-1">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((u) => (
          <tr key={`${u.attribute}:${u.value}`}>
            <td className="py-1 pr-2 font-mono text-xs">{u.attribute}</td>
            <td className="py-1 pr-2">{u.value}</td>
            <td className="py-1 pr-2">
              <LooksLike s={u} />
            </td>
            <td className="py-1 text-right tabular-nums">{u.people}</td>
            <td className="py-1 pl-2 text-right">
              {/* The aliases page shows the alias's impact before it is saved. */}
              {(aliasableAttributes as readonly string[]).includes(u.attribute) && (
                <Link
                  href={`/identities/aliases?${new URLSearchParams({ attribute: u.attribute, raw: u.value, canonical: u.looksLike ?? "" })}`}
                  className="text-xs font-medium whitespace-nowrap text-brand-700 hover:underline"
                >
                  Add alias…<span className="sr-only"> for {u.value}</span>
                </Link>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
