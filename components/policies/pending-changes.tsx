import Link from "next/link";

interface Pending {
  id: number;
  author: string;
  message: string;
  createdAt: Date;
  summary: unknown;
}

/** Changes waiting for a second IT admin, linked to their diff and impact. */
export function PendingChanges({ changes }: { changes: Pending[] }) {
  if (changes.length === 0) return null;
  return (
    <section
      aria-label="Changes waiting for approval"
      className="mb-4 rounded-lg border border-amber-200 bg-amber-50 p-4"
    >
      <h2 className="text-sm font-semibold text-amber-900">
        {changes.length} change{changes.length === 1 ? "" : "s"} waiting for a second IT admin
      </h2>
      <ul className="mt-2 space-y-1 text-sm">
        {changes.map((c) => {
          const impact = (c.summary as { impact?: { people: number } }).impact;
          return (
            <li key={c.id}>
              <Link href={`/policies/versions/${c.id}`} className="font-medium text-amber-900 underline">
                Version {c.id}: {c.message}
              </Link>{" "}
              <span className="text-amber-800">
                by {c.author}
                {impact ? ` · changes access for ${impact.people} people` : ""}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
