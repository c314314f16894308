import { AttributeOwnership } from "@/components/hr/attribute-ownership";
import { BulkHandover } from "@/components/hr/bulk-handover";
import { DirectoryPulls } from "@/components/hr/directory-pulls";
import { pullSummary } from "@/components/hr/pull-summary";
import { HrEventsTable } from "@/components/hr/hr-events-table";
import { HrSourceForm } from "@/components/hr/hr-source-form";
import { ScimSignInSetting } from "@/components/hr/scim-sign-in-setting";
import { SourceTokenActions } from "@/components/hr/source-token-actions";
import { formatWhen } from "@/components/requests/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "HR sources" };

export default async function HrSourcesPage() {
  await requireSection("identities");
  const tz = await viewerZone();
  const { sources, unmanaged, events } = await (await api()).hr.sources();
  const { departments } = await (await api()).identities.facets();
  const ownership = await (await api()).hr.attributeOwnership();
  const pulls = await (await api()).hr.directoryPulls();
  return (
    <>
      <PageHeader
        title="HR sources"
        description={
          "HR systems that send employee.hired, employee.updated and employee.terminated. A " +
          "future-dated change waits for its day; a resent event changes nothing."
        }
      />
      <div className="grid grid-cols-1 gap-6">
        <Card title="Sources">
          {sources.length > 0 && (
            <ul className="mb-4 divide-y divide-slate-100 text-sm" aria-label="HR sources">
              {sources.map((s) => (
                <li key={s.key} className="flex justify-between py-2">
                  <span>
                    <b>{s.name}</b> <span className="font-mono text-xs text-slate-500">{s.key}</span>
                    {s.revokedAt && (
                      <span className="ml-2">
                        <Badge tone="red">revoked</Badge>
                      </span>
                    )}
                    <span className="block text-xs text-slate-600">
                      manages {s.people} {s.people === 1 ? "person" : "people"}
                    </span>
                  </span>
                  <span className="grid justify-items-end gap-1">
                    <span className="text-xs text-slate-500">
                      added {formatWhen(s.createdAt, tz)} by {s.createdBy}
                      {s.revokedAt && <> · revoked {formatWhen(s.revokedAt, tz)}</>}
                    </span>
                    <SourceTokenActions sourceKey={s.key} name={s.name} revoked={s.revokedAt !== null} />
                    {s.pulledFrom ? (
                      // a pull source's people come from its directory (below); revoking it stops the pulls
                      <span className="text-xs text-slate-600">pulled from its directory (below)</span>
                    ) : (
                      <ScimSignInSetting
                        sourceKey={s.key}
                        from={s.scimSignInEmail === "user_name" ? "user_name" : "primary_email"}
                      />
                    )}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <HrSourceForm />
        </Card>
        <Card
          title="Who each source manages"
          description={
            `A source's token reads and changes only the people it manages (and hires new ones). ` +
            `${unmanaged} ${unmanaged === 1 ? "person is" : "people are"} managed by no source (demo ` +
            `data, CSV imports, people IT added): give a source the people it should take over ` +
            `before connecting it, so an identity provider matches them instead of failing to ` +
            `create them.`
          }
        >
          <BulkHandover
            sources={sources.map((s) => ({ key: s.key, name: s.name, revoked: s.revokedAt !== null }))}
            departments={departments}
          />
        </Card>
        <Card
          title="Directory pull"
          description={
            "For an identity provider that is the source of truth but cannot push over SCIM: Clearance " +
            "reads its users and groups on a schedule (changes only, where the directory can say) and " +
            "applies them as that source's writes. Secrets stay in environment variables; give the " +
            "variable's name."
          }
        >
          <DirectoryPulls
            pulls={pulls.map((p) => ({
              key: p.key,
              name: p.name,
              kindLabel: p.kindLabel,
              intervalMinutes: p.intervalMinutes,
              running: p.running,
              lastStatus: p.lastStatus,
              lastError: p.lastError,
              lastRun: p.lastRunAt ? formatWhen(p.lastRunAt, tz) : null,
              nextRun: formatWhen(p.nextRunAt, tz),
              summary: p.lastResult ? pullSummary(p.lastResult) : null,
              massLeave: p.lastStatus === "failed" && (p.lastError ?? "").includes("would end"),
            }))}
          />
        </Card>
        <Card
          title="Attribute ownership"
          description={
            "Which attributes each channel is authoritative for. A source's writes to other attributes " +
            "are ignored and recorded in the audit trail (identity providers push every attribute they " +
            "map); a CSV import or IT cannot change what the source managing a person owns. Each " +
            "person's page shows which channel set each attribute, and when."
          }
        >
          <AttributeOwnership
            attributes={ownership.attributes}
            rows={[
              ...ownership.sources.map((s) => ({
                writer: { kind: "source" as const, key: s.key },
                name: s.name,
                detail: `Source ${s.key}: HR events, SCIM and groups`,
                owned: s.owned,
              })),
              { writer: { kind: "csv" }, name: "CSV import", detail: "Identities → Import", owned: ownership.csv },
              {
                writer: { kind: "manual" },
                name: "Added by hand",
                detail: "Identities → Add a person",
                owned: ownership.manual,
              },
            ]}
          />
        </Card>
        <Card title="Recent events">
          {events.length === 0 ? (
            <EmptyState title="No HR events yet">Events appear here as HR systems send them.</EmptyState>
          ) : (
            <HrEventsTable events={events} />
          )}
        </Card>
      </div>
    </>
  );
}
