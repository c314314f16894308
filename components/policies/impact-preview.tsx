import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { plural } from "@/server/core/text/plural";

interface Grant {
  resource: string;
  level: string | null;
}
export interface ImpactData {
  evaluated: number;
  affectedPeople: number;
  gains: number;
  losses: number;
  levelChanges: number;
  truncated: boolean;
  people: {
    identity: string;
    displayName: string;
    email: string;
    delta: {
      added: Grant[];
      removed: Grant[];
      changed: { resource: string; from: string | null; to: string | null }[];
    };
  }[];
}

const grantText = (g: Grant) => (g.level ? `${g.resource} (${g.level})` : g.resource);

/** Counts first, then each person with what they would gain, lose, or get at another level. */
export function ImpactPreview({ impact, linkPeople = true }: { impact: ImpactData; linkPeople?: boolean }) {
  return (
    <div data-testid="impact-preview">
      <p className="text-sm text-slate-700">
        {impact.affectedPeople === 0 ? (
          <>Nobody&apos;s access changes ({plural(impact.evaluated, "person", "people")} checked).</>
        ) : (
          <>
            <b>{impact.affectedPeople}</b> {impact.affectedPeople === 1 ? "person" : "people"} affected:{" "}
            <span className="text-emerald-700">+{plural(impact.gains, "grant")}</span>,{" "}
            <span className="text-red-700">−{plural(impact.losses, "grant")}</span>, {impact.levelChanges} level change
            {impact.levelChanges === 1 ? "" : "s"}.
          </>
        )}
      </p>
      {impact.people.length > 0 && (
        <table className="mt-3 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="w-2/5 py-1.5 pr-3 font-medium">
                Person
              </th>
              <th scope="col" className="py-1.5 font-medium">
                Changes
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {impact.people.map((p) => (
              <tr key={p.identity}>
                <td className="py-1.5 pr-3 [overflow-wrap:anywhere]">
                  {linkPeople ? (
                    <Link href={`/identities/${p.identity}`} className="text-brand-700 hover:underline">
                      {p.displayName}
                    </Link>
                  ) : (
                    p.displayName
                  )}
                  <div className="text-xs text-slate-500">{p.email}</div>
                </td>
                <td className="space-y-0.5 py-1.5 [overflow-wrap:anywhere]">
                  {p.delta.added.map((g) => (
                    <div key={`+${g.resource}`}>
                      <Badge tone="green">gains</Badge> {grantText(g)}
                    </div>
                  ))}
                  {p.delta.removed.map((g) => (
                    <div key={`-${g.resource}`}>
                      <Badge tone="red">loses</Badge> {grantText(g)}
                    </div>
                  ))}
                  {p.delta.changed.map((c) => (
                    <div key={`~${c.resource}`}>
                      <Badge tone="amber">level</Badge> {c.resource}: {c.from ?? "default"} → {c.to ?? "default"}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {impact.truncated && (
        <p className="mt-2 text-xs text-slate-500">Showing the first {impact.people.length} people.</p>
      )}
    </div>
  );
}
