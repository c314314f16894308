import { Card } from "@/components/ui/card";
import { hrAttributeLabels, type AttributeValue, type HrAttribute } from "@/server/core/identity/attributes";
import { formatAttribute } from "../attribute-format";

export interface IgnoredRow {
  row: number;
  person: { externalId: string; displayName: string };
  ignored: { attribute: HrAttribute; sent: AttributeValue; reason: "not_owned" | "owned_by_source" }[];
}

const why = {
  not_owned: "a CSV import does not own this attribute",
  owned_by_source: "the source managing this person owns it",
};
const th = "px-3 py-2 font-medium";

/** Values the file gives that attribute ownership sets aside: shown before applying, recorded after. */
export function ImportIgnored({ rows }: { rows: IgnoredRow[] }) {
  if (rows.length === 0) return null;
  const values = rows.flatMap((r) => r.ignored.map((w) => ({ ...w, row: r.row, person: r.person })));
  return (
    <Card
      title={`Not applied: attribute ownership (${values.length})`}
      description="These values stay as they are; applying records them in the audit trail. HR sources → Attribute ownership decides who owns what."
    >
      <div className="max-h-96 overflow-auto">
        <table className="w-full text-left text-sm" aria-label="Values not applied">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className={th}>
                Row
              </th>
              <th scope="col" className={th}>
                Person
              </th>
              <th scope="col" className={th}>
                Attribute
              </th>
              <th scope="col" className={th}>
                Value in the file
              </th>
              <th scope="col" className={th}>
                Why
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {values.map((v) => (
              <tr key={`${v.row}:${v.attribute}`}>
                <td className="px-3 py-1.5 tabular-nums">{v.row}</td>
                <td className="px-3 py-1.5">{v.person.displayName}</td>
                <td className="px-3 py-1.5">{hrAttributeLabels[v.attribute]}</td>
                <td className="px-3 py-1.5">{formatAttribute(v.sent)}</td>
                <td className="px-3 py-1.5 text-slate-700">{why[v.reason]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
