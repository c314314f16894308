import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AttributeHistory } from "@/components/identities/attribute-history";
import { HISTORY_PAGE_SIZE } from "@/components/identities/page-sizes";
import { ExpectedAccessList } from "@/components/access/expected-access-list";
import { AttributeList } from "@/components/identities/attribute-list";
import { provenanceLabel } from "@/components/identities/attribute-format";
import { formatWhen } from "@/components/requests/format";
import { viewerZone } from "@/server/auth/time-zone";
import { ManagingSource } from "@/components/identities/managing-source";
import { RoleBadges } from "@/components/identities/role-badges";
import { PlanList } from "@/components/lifecycle/plan-list";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api, getQueryClient, trpc } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

// Shared by the page and its metadata, so one request reads the person (and checks roles) once.
const loadPerson = cache(async (id: string) =>
  (await api()).identities.byId({ id }).catch((err: unknown) => {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }),
);

export default async function IdentityPage({ params }: { params: Promise<{ id: string }> }) {
  await requireSection("identities");
  const { id } = await params;
  const person = await loadPerson(id);
  const tz = await viewerZone();
  const access = await (await api()).policies.expectedAccess({ identityId: person.id });
  const plans = await (await api()).lifecycle.plansOf({ identityId: person.id, limit: 10 });
  const { sources } = await (await api()).hr.sources();
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(
    trpc.identities.attributeHistory.queryOptions({ identityId: person.id, page: 1, pageSize: HISTORY_PAGE_SIZE }),
  );
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/identities" className="hover:text-slate-800">
          Identities
        </Link>{" "}
        / {person.displayName}
      </nav>
      <PageHeader
        title={person.displayName}
        description={`${person.email} · HR id ${person.externalId}`}
        actions={
          <div className="flex flex-col items-end gap-2">
            <RoleBadges roles={person.roles} />
            <Link href={`/audit?subject=${person.id}`} className="text-sm font-medium text-brand-700 hover:underline">
              Audit events about {person.displayName}
            </Link>
          </div>
        }
      />
      <div className="grid grid-cols-1 gap-6">
        <Card
          title="Attributes"
          description={`${person.directReports} direct report${person.directReports === 1 ? "" : "s"}`}
        >
          <AttributeList
            attributes={person.attributes}
            manager={person.manager}
            managerHref={person.manager ? `/identities/${person.manager.id}` : undefined}
            provenance={Object.fromEntries(
              Object.entries(person.provenance).map(([attribute, p]) => [
                attribute,
                `Set by ${provenanceLabel(p)}, ${formatWhen(p.effectiveAt, tz)}`,
              ]),
            )}
          />
        </Card>
        <Card
          title="HR source"
          description="Which HR system or identity provider keeps this person's record, over HR events or SCIM."
        >
          <ManagingSource
            identityId={person.id}
            displayName={person.displayName}
            managedBy={person.managedBy}
            sources={sources.filter((s) => !s.revokedAt).map((s) => ({ key: s.key, name: s.name }))}
          />
        </Card>
        <Card
          title="Expected access"
          description={
            `From policy version ${access.versionId ?? "—"}: ${access.matchedPolicies.length} ` +
            `matching polic${access.matchedPolicies.length === 1 ? "y" : "ies"}. Select a reason to ` +
            `see the full explanation.`
          }
          actions={
            <Link href={`/policies/what-if`} className="text-sm font-medium text-brand-700 hover:underline">
              What if…
            </Link>
          }
        >
          <ExpectedAccessList
            grants={access.grants}
            explainFor={person.id}
            emptyText={access.active ? undefined : `${person.displayName} is not Active, so policy gives nothing.`}
          />
        </Card>
        <Card
          title="Access plans"
          description="What each HR change did to this person's access: additions at once, removals after their grace period, each step with its status."
        >
          <PlanList plans={plans} reviewable />
        </Card>
        <Card title="Attribute history" description="Every change HR (or an import) made, newest first.">
          <HydrationBoundary state={dehydrate(queryClient)}>
            <AttributeHistory identityId={person.id} />
          </HydrationBoundary>
        </Card>
      </div>
    </>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  await requireSection("identities");
  const person = await loadPerson((await params).id);
  return { title: person.displayName };
}
