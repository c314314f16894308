import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CompareWith } from "@/components/policies/compare-with";
import { DiffView } from "@/components/policies/diff-view";
import { VersionActions } from "@/components/policies/version-actions";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { plural } from "@/server/core/text/plural";
import { viewerZone } from "@/server/auth/time-zone";
import { formatWhen } from "@/server/core/time";

export default async function PolicyVersionPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ against?: string }>;
}) {
  const actor = await requireSection("policies");
  const tz = await viewerZone();
  const versionId = Number((await params).id);
  const againstRaw = (await searchParams).against;
  const against = againstRaw ? Number(againstRaw) : undefined;
  const caller = await api();
  const [data, list] = await Promise.all([
    caller.policies.version({ versionId, against }).catch((err: unknown) => {
      if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
      throw err;
    }),
    caller.policies.versions({ page: 1, pageSize: 100 }),
  ]);
  const v = data.version;
  const summary = v.summary as {
    impact?: { people: number; gains: number; losses: number; levelChanges: number };
    restoredFrom?: number;
  };
  const isActive = list.activeVersionId === v.id;
  const decision = v.deciderLabel
    ? ` · ${v.status === "rejected" ? "rejected" : "approved"} by ${v.deciderLabel}` +
      (v.decisionNote ? `: “${v.decisionNote}”` : "")
    : "";
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/policies/versions" className="hover:text-slate-800">
          Versions
        </Link>{" "}
        / #{v.id}
      </nav>
      <PageHeader
        title={`Version ${v.id}: ${v.message}`}
        description={`by ${v.authorLabel} on ${formatWhen(v.createdAt, tz)}${decision}`}
        actions={
          <Badge
            tone={isActive ? "green" : v.status === "pending" ? "amber" : v.status === "rejected" ? "red" : "neutral"}
          >
            {isActive ? "active now" : v.status === "active" ? "superseded" : v.status}
          </Badge>
        }
      />
      <div className="mb-6 grid gap-4 md:grid-cols-2">
        <Card title="Impact when saved">
          {summary.impact ? (
            <p className="text-sm">
              {plural(summary.impact.people, "person", "people")} affected: +{plural(summary.impact.gains, "grant")}, −
              {summary.impact.losses}, {plural(summary.impact.levelChanges, "level change")}.
              {summary.restoredFrom && <> Restored from version {summary.restoredFrom}.</>}
            </p>
          ) : (
            <p className="text-sm text-slate-500">The first version: everything it grants was new.</p>
          )}
        </Card>
        <Card title="Actions">
          <VersionActions
            versionId={v.id}
            status={v.status}
            isActive={isActive}
            isOwnChange={v.authorId === actor.identityId}
          />
        </Card>
      </div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-base font-semibold">
          {data.against ? `Changes against version ${data.against}` : "Files of the first version"}
        </h2>
        <CompareWith
          versionId={v.id}
          against={data.against}
          options={list.rows.filter((r) => r.id !== v.id).map((r) => ({ id: r.id, message: r.message }))}
        />
      </div>
      <div className="grid gap-4">
        {data.diff.length === 0 ? (
          <EmptyState title="No differences">The two versions hold the same files.</EmptyState>
        ) : (
          data.diff.map((d) => (
            <DiffView
              key={d.path}
              path={d.path}
              change={d.change}
              lines={d.lines}
              leftLabel={data.against ? `version ${data.against}` : "before"}
              rightLabel={`version ${v.id}`}
              open={data.diff.length <= 5 || d.change === "changed"}
            />
          ))
        )}
      </div>
    </>
  );
}
