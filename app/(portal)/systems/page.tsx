import Link from "next/link";
import { When } from "@/components/time/when";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { lagWords } from "@/server/core/time/lag";

export const metadata = { title: "Systems" };

export default async function SystemsPage() {
  await requireSection("systems");
  const caller = await api();
  const [systems, enforcement] = await Promise.all([caller.systems.list(), caller.systems.enforcement()]);
  const backlogOf = new Map(enforcement.systems.map((b) => [b.systemKey, b]));
  const { expiry } = enforcement;
  return (
    <>
      <PageHeader
        title="Systems"
        description="Where access lives, and the adapter that grants and removes it. Health is asked live."
        actions={
          <Link href="/systems/new" className={buttonClasses()}>
            Add a system
          </Link>
        }
      />
      <section
        aria-label="Expiry"
        className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm shadow-sm"
        data-testid="expiry-lag"
      >
        <span className="font-medium text-slate-900">Expiry lag: </span>
        {expiry.overdue === 0 ? (
          <>
            <Badge tone="green">on time</Badge>
            <span className="ml-2 text-slate-500">
              no exception is past its expiry without having ended (checked <When at={enforcement.checkedAt} seconds />)
            </span>
          </>
        ) : (
          <>
            <Badge tone={expiry.lagMs >= 60_000 ? "red" : "amber"}>{lagWords(expiry.lagMs)} behind</Badge>
            <span className="ml-2 text-slate-500">
              {expiry.overdue} exception{expiry.overdue === 1 ? " is" : "s are"} past expiry and not yet ended; the
              oldest expired <When at={expiry.oldestOverdueAt} seconds /> (checked{" "}
              <When at={enforcement.checkedAt} seconds />)
            </span>
          </>
        )}
      </section>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm" aria-label="Systems">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="px-4 py-2 font-medium">
                System
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Adapter
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Health
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Waiting
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Removals waiting
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Tasks for IT
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Failed
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {systems.map((s) => (
              <tr key={s.key} className="hover:bg-slate-50">
                <td className="px-4 py-2">
                  <Link href={`/systems/${s.key}`} className="font-medium text-slate-900 hover:underline">
                    {s.name}
                  </Link>
                  <div className="text-xs text-slate-500">{s.description}</div>
                </td>
                <td className="px-4 py-2">{s.adapterKind}</td>
                <td className="px-4 py-2">
                  {s.retiredAt ? (
                    <Badge>retired</Badge>
                  ) : (
                    <>
                      <Badge tone={s.health.ok ? "green" : "red"}>{s.health.ok ? "healthy" : "unhealthy"}</Badge>
                      <div className="mt-0.5 max-w-xs truncate text-xs text-slate-500" title={s.health.detail}>
                        {s.health.detail}
                      </div>
                    </>
                  )}
                </td>
                <td className="px-4 py-2">{s.pending}</td>
                <td className="px-4 py-2">
                  <RemovalBacklog backlog={backlogOf.get(s.key)} />
                </td>
                <td className="px-4 py-2">{s.openTasks ? <Badge tone="amber">{s.openTasks}</Badge> : 0}</td>
                <td className="px-4 py-2">{s.failed ? <Badge tone="red">{s.failed}</Badge> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type Backlog = Awaited<ReturnType<Awaited<ReturnType<typeof api>>["systems"]["enforcement"]>>["systems"][number];

/** A system's removals still to do: how many, how many under way (of how many at once), and the oldest due one's wait. */
function RemovalBacklog({ backlog }: { backlog: Backlog | undefined }) {
  if (!backlog || backlog.removals === 0) return <span className="text-slate-500">none</span>;
  return (
    <>
      {backlog.removals}
      <div className="text-xs text-slate-500">
        {backlog.removalsInFlight} under way (at most {backlog.concurrency} at once)
        {backlog.removalsDue > 0 && backlog.oldestRemovalDueSince ? (
          <>
            ; {backlog.removalsDue} due, the oldest for {lagWords(backlog.oldestRemovalWaitMs)} (since{" "}
            <When at={backlog.oldestRemovalDueSince} seconds />)
          </>
        ) : null}
      </div>
    </>
  );
}
