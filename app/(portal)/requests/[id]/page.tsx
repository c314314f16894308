import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RestrictionsSummary } from "@/components/exceptions/restrictions-summary";
import { AttributeList } from "@/components/identities/attribute-list";
import { CancelRequest } from "@/components/requests/cancel-request";
import { DecisionPanel } from "@/components/requests/decision-panel";
import { formatWhen, viaLabel } from "@/components/requests/format";
import { RequestThread } from "@/components/requests/request-thread";
import { StatusBadge } from "@/components/requests/status-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireActor } from "@/server/auth/guard";
import { hasRestrictions, storedRestrictions } from "@/server/core/exceptions/restrictions";
import type { Assessment } from "@/server/core/requests/assessment";
import { exceptionTypeLabels, referencesText } from "@/server/core/exceptions/types";
import { viewerZone } from "@/server/auth/time-zone";

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  await requireActor();
  const tz = await viewerZone();
  const { id } = await params;
  const data = await (await api()).requests.byId({ requestId: id }).catch((err: unknown) => {
    if (
      err instanceof TRPCError &&
      (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST" || err.code === "FORBIDDEN")
    )
      notFound();
    throw err;
  });
  const r = data.request;
  const person = data.requester;
  const firstName = person.displayName.split(" ")[0];
  const assessment = r.assessment as Assessment;
  const names = Object.fromEntries(data.stages.flatMap((s) => s.approvers.map((a) => [a.identityId, a.displayName])));
  const fields = r.fields as Record<string, string | boolean>;
  const current = data.stages[r.currentStage];
  const proposal = data.proposal;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href={data.viewer.isRequester ? "/requests" : "/inbox"} className="hover:text-slate-800">
          {data.viewer.isRequester ? "My requests" : "Inbox"}
        </Link>{" "}
        / REQ-{r.number}
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            REQ-{r.number} · {data.template.name} <StatusBadge status={r.status} />
          </span>
        }
        description={
          proposal
            ? `${proposal.proposer?.displayName ?? "IT"} (IT) proposed on ${formatWhen(r.createdAt, tz)}, for ${person.displayName}.`
            : `${person.displayName} asked on ${formatWhen(r.createdAt, tz)} for ${r.duration}${r.kind === "extension" ? " more (an extension)" : ""}.`
        }
        actions={data.viewer.canCancel ? <CancelRequest requestId={r.id} number={r.number} /> : undefined}
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="grid content-start gap-5">
          {r.status === "needs_info" && data.viewer.isAsker && (
            <Alert tone="amber" title="An approver needs more information">
              Answer in the discussion below; your answer sends the request back to the approvers.
            </Alert>
          )}
          {proposal && (r.status === "pending" || r.status === "needs_info") && (
            <Alert
              tone="amber"
              title={`Proposed by ${proposal.proposer?.displayName ?? "IT"} (IT), not asked for by ${firstName}`}
            >
              {proposal.action === "grant" && (
                <>It is access only if the approver named here approves it; nothing has been granted.</>
              )}
              {proposal.action === "keep" && (
                <>
                  Drift found this access in the system without a policy or exception; if approved, it is kept as an
                  exception until the date below, otherwise IT removes it.
                </>
              )}
              {proposal.action === "extend" && (
                <>If approved, EXC-{proposal.exceptionNumber} ends later; otherwise it ends as planned.</>
              )}
            </Alert>
          )}
          {r.status === "approved" && (
            <Alert
              tone="green"
              title={`Approved${r.decidedBy ? ` by ${r.decidedBy}` : ""} on ${formatWhen(r.decidedAt, tz)}`}
            >
              Access from {formatWhen(r.accessStartsAt, tz)} until {formatWhen(r.accessEndsAt, tz)}; it ends by itself.
              {r.autoApprovedBecause && <> {r.autoApprovedBecause}.</>}
            </Alert>
          )}
          {r.status === "granting" && (
            <Alert
              tone="amber"
              title={`Approved${r.decidedBy ? ` by ${r.decidedBy}` : ""} on ${formatWhen(r.decidedAt, tz)}: granting`}
            >
              This form lets the approval stand only once the system has taken the grant. If it refuses, the approval is
              undone and the thread says why.
            </Alert>
          )}
          {(r.status === "denied" || r.status === "cancelled" || r.status === "expired") && (
            <Alert
              tone="red"
              title={
                (r.status === "denied" ? "Denied" : r.status === "cancelled" ? "Cancelled" : "Expired") +
                (r.decidedBy && r.status === "denied" ? ` by ${r.decidedBy}` : "") +
                ` on ${formatWhen(r.decidedAt, tz)}`
              }
            >
              {r.decisionNote ?? (r.status === "expired" ? "Nobody decided in time." : null)}
            </Alert>
          )}
          {data.viewer.canDecide && (
            <DecisionPanel
              requestId={r.id}
              number={r.number}
              stageLabel={data.stages.length > 1 && current ? `stage ${r.currentStage + 1}: ${current.name}` : null}
            />
          )}

          <Card title="The request">
            <dl className="grid gap-3 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
              <dt className="text-slate-500">Justification</dt>
              <dd className="whitespace-pre-wrap">{r.justification}</dd>
              <dt className="text-slate-500">Access</dt>
              <dd>
                {data.template.grants.map((g) => (
                  <span key={g.resource} className="mr-2 font-mono text-xs">
                    {g.resource}
                    {g.level ? ` (${g.level})` : ""}
                  </span>
                ))}
              </dd>
              {proposal && (
                <>
                  <dt className="text-slate-500">Proposed by</dt>
                  <dd>
                    {proposal.proposer ? `${proposal.proposer.displayName} (${proposal.proposer.email})` : "IT"}, for{" "}
                    {person.displayName}
                  </dd>
                  <dt className="text-slate-500">Exception type</dt>
                  <dd>{exceptionTypeLabels[proposal.type]}</dd>
                </>
              )}
              <dt className="text-slate-500">{proposal?.action === "extend" ? "Extension" : "Duration"}</dt>
              <dd>
                {proposal && proposal.action !== "extend" ? (
                  <>
                    {proposal.action === "grant" && new Date(proposal.startsAt) > r.createdAt
                      ? `from ${formatWhen(proposal.startsAt, tz)}`
                      : "from approval"}{" "}
                    until {formatWhen(proposal.expiresAt, tz)}
                  </>
                ) : (
                  <>
                    {r.duration}
                    {proposal?.action === "extend"
                      ? ` more on EXC-${proposal.exceptionNumber}`
                      : r.requestedStart
                        ? `, from ${formatWhen(r.requestedStart, tz)}`
                        : ", from approval"}
                  </>
                )}
              </dd>
              {proposal?.action === "grant" && referencesText(proposal.references) && (
                <>
                  <dt className="text-slate-500">References</dt>
                  <dd>{referencesText(proposal.references)}</dd>
                </>
              )}
              {data.template.fields.map((f) => (
                <div key={f.key} className="contents">
                  <dt className="text-slate-500">{f.label}</dt>
                  <dd>
                    {fields[f.key] === undefined || fields[f.key] === ""
                      ? "—"
                      : typeof fields[f.key] === "boolean"
                        ? fields[f.key]
                          ? "Yes"
                          : "No"
                        : String(fields[f.key])}
                  </dd>
                </div>
              ))}
              {hasRestrictions(storedRestrictions(r.restrictions)) && (
                <>
                  <dt className="text-slate-500">Vendor restrictions</dt>
                  <dd>
                    <RestrictionsSummary restrictions={r.restrictions} />
                  </dd>
                </>
              )}
              {r.ticketReference && (
                <>
                  <dt className="text-slate-500">Ticket</dt>
                  <dd>{r.ticketReference}</dd>
                </>
              )}
            </dl>
          </Card>

          <Card title="Against policy">
            <ul className="grid gap-2 text-sm">
              {assessment.grants.map((g) => (
                <li key={g.resource} className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-xs">{g.resource}</span>
                  {g.status === "outside" && <Badge tone="amber">not in {firstName}&apos;s role policy</Badge>}
                  {g.status === "covered" && <Badge tone="green">already given by {g.via[0]}</Badge>}
                  {g.status === "denied" && <Badge tone="red">refused by {g.denyPolicies.join(", ")}</Badge>}
                </li>
              ))}
            </ul>
            {assessment.overall === "outside" && (
              <p className="mt-2 text-sm text-slate-600">
                {firstName}&apos;s policies ({data.currentAccess.matchedPolicies.join(", ") || "none match"}) do not
                grant it, so approving makes an exception that ends by itself.
              </p>
            )}
          </Card>

          <RequestThread
            requestId={r.id}
            messages={data.messages}
            canPost={data.viewer.canPost}
            answering={data.viewer.isAsker && r.status === "needs_info"}
          />

          <Card title="Timeline" description="Every step, from the audit trail.">
            <ol className="grid gap-1 text-sm" aria-label="Timeline">
              {data.timeline.map((e) => (
                <li key={e.id} className="flex flex-wrap gap-x-3">
                  <span className="w-40 shrink-0 text-slate-500">{formatWhen(e.occurredAt, tz)}</span>
                  <span className="font-medium">{e.action.replace(/^request\./, "").replace(/_/g, " ")}</span>
                  <span className="text-slate-600">{e.actorLabel}</span>
                </li>
              ))}
            </ol>
          </Card>
        </div>

        <aside className="grid content-start gap-5">
          <Card title="Approval">
            <ol className="grid gap-4 text-sm">
              {data.stages.map((s, i) => {
                const approvals = s.approvers.filter((a) => a.vote?.decision === "approve").length;
                const needed = s.threshold.kind === "any" ? 1 : s.threshold.n;
                return (
                  <li key={i}>
                    <p className="flex items-center justify-between gap-2 font-medium">
                      <span>
                        {data.stages.length > 1 ? `${i + 1}. ` : ""}
                        {s.name}
                      </span>
                      <Badge
                        tone={
                          s.state === "done"
                            ? "green"
                            : s.state === "current"
                              ? "amber"
                              : s.state === "denied"
                                ? "red"
                                : "neutral"
                        }
                      >
                        {s.state === "later" ? "later" : `${approvals} of ${needed} approval${needed === 1 ? "" : "s"}`}
                      </Badge>
                    </p>
                    <ul className="mt-1 grid gap-0.5 text-slate-600">
                      {s.approvers.map((a) => (
                        <li key={a.identityId} className="flex items-center justify-between gap-2">
                          <span>
                            {a.displayName} <span className="text-xs text-slate-500">({viaLabel(a.via, names)})</span>
                          </span>
                          {a.vote && (
                            <Badge tone={a.vote.decision === "approve" ? "green" : "red"}>
                              {a.vote.decision === "approve" ? "approved" : "denied"}
                            </Badge>
                          )}
                        </li>
                      ))}
                      {s.approvers.length === 0 && (
                        <li className="text-slate-500">
                          {s.state === "later" ? "Chosen when the stage opens." : "Nobody."}
                        </li>
                      )}
                    </ul>
                  </li>
                );
              })}
            </ol>
          </Card>
          <Card title={person.displayName} description={person.email}>
            <AttributeList attributes={person.attributes} manager={person.manager} />
          </Card>
          <Card title="Current access">
            <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">From policy</p>
            <ul className="mt-1 grid gap-0.5 font-mono text-xs text-slate-700">
              {data.currentAccess.policy.map((g) => (
                <li key={g.resource}>
                  {g.resource}
                  {g.level ? ` · ${g.level}` : ""}
                </li>
              ))}
              {data.currentAccess.policy.length === 0 && <li className="font-sans text-slate-500">Nothing.</li>}
            </ul>
            <p className="mt-3 text-xs font-semibold tracking-wide text-slate-500 uppercase">Temporary</p>
            <ul className="mt-1 grid gap-0.5 text-sm text-slate-700">
              {data.currentAccess.temporary.map((t) => (
                <li key={t.id}>
                  {t.templateName} until {formatWhen(t.accessEndsAt, tz)}
                </li>
              ))}
              {data.currentAccess.temporary.length === 0 && <li className="text-slate-500">Nothing.</li>}
            </ul>
          </Card>
          {!data.viewer.isRequester && (
            <Card title="Similar requests">
              <ul className="grid gap-1 text-sm">
                {data.similar.map((s) => (
                  <li key={s.id} className="flex items-center justify-between gap-2">
                    <span>
                      {s.requesterName} · {s.duration}
                    </span>
                    <StatusBadge status={s.status} />
                  </li>
                ))}
                {data.similar.length === 0 && <li className="text-slate-500">Nobody has asked for this before.</li>}
              </ul>
            </Card>
          )}
        </aside>
      </div>
    </>
  );
}
