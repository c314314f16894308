import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export interface Grant {
  resource: string;
  level: string | null;
  via: string[];
}

/** Grants with the reason for each: the policy that matched, and what it inherits down to the one naming it. */
export function ExpectedAccessList({
  grants,
  explainFor,
  emptyText,
}: {
  grants: Grant[];
  explainFor?: string;
  emptyText?: string;
}) {
  if (grants.length === 0) {
    return (
      <EmptyState title="No access from policy">
        {emptyText ?? "No policy matches, so nothing is granted (deny by default)."}
      </EmptyState>
    );
  }
  return (
    <table className="w-full text-left text-sm" aria-label="Access from policy">
      <thead>
        <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
          <th scope="col" className="py-2 pr-3 font-medium">
            Resource
          </th>
          <th scope="col" className="py-2 pr-3 font-medium">
            Level
          </th>
          <th scope="col" className="py-2 font-medium">
            Why
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {grants.map((g) => (
          <tr key={g.resource}>
            <td className="py-2 pr-3 font-mono text-xs">{g.resource}</td>
            <td className="py-2 pr-3">{g.level ?? "—"}</td>
            <td className="py-2 text-slate-600">
              {explainFor ? (
                <Link
                  href={`/policies/explain?person=${explainFor}&resource=${encodeURIComponent(g.resource)}`}
                  className="hover:underline"
                >
                  {g.via.join(" → ")}
                </Link>
              ) : (
                g.via.join(" → ")
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
