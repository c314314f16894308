import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { formatWhen } from "@/components/requests/format";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { AppRouter } from "@/server/api/root";
import { PlanReviewActions } from "./plan-review-actions";
import { viewerZone } from "@/server/auth/time-zone";
import { PlanStepsTable } from "./plan-steps-table";

type Plan = inferRouterOutputs<AppRouter>["lifecycle"]["plansOf"][number];

const planTone = { awaiting_review: "amber", approved: "green", rejected: "red" } as const;
const planLabel = { awaiting_review: "awaiting review", approved: "approved", rejected: "rejected" } as const;
const kindLabel: Record<string, string> = { joiner: "Joiner", mover: "Mover", leaver: "Leaver", change: "Change" };
/** A person's joiner / mover / leaver plans with every step's state and timing. */
export async function PlanList({
  plans,
  showPerson = false,
  reviewable = false,
  empty,
}: {
  plans: (Plan & { person?: { id: string; name: string; email: string } })[];
  showPerson?: boolean;
  reviewable?: boolean;
  empty?: { title: string; text: string };
}) {
  const tz = await viewerZone();
  if (plans.length === 0) {
    return (
      <EmptyState title={empty?.title ?? "No plans yet"}>
        {empty?.text ??
          "Every HR change (an event, SCIM, a CSV import) re-evaluates the person and stores the plan that follows here."}
      </EmptyState>
    );
  }
  return (
    <ol className="grid grid-cols-1 gap-5">
      {plans.map((plan) => (
        <li key={plan.id} className="rounded-md border border-slate-200">
          <div className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 bg-slate-50/60 px-4 py-3">
            <div>
              <p className="text-sm font-semibold text-slate-900">
                PLAN-{plan.number} · {kindLabel[plan.kind] ?? plan.kind}
                {showPerson && plan.person && (
                  <>
                    {" · "}
                    <Link href={`/identities/${plan.person.id}`} className="text-brand-700 hover:underline">
                      {plan.person.name}
                    </Link>
                  </>
                )}
              </p>
              <p className="mt-0.5 text-sm text-slate-600">{plan.summary}</p>
              <p className="mt-0.5 text-xs text-slate-500">
                {formatWhen(plan.createdAt, tz)} · from {plan.source.replace("_", " ")} · policies{" "}
                {plan.policiesBefore.length ? plan.policiesBefore.join(", ") : "none"} →{" "}
                {plan.policiesAfter.length ? plan.policiesAfter.join(", ") : "none"}
              </p>
              {plan.reviewedBy && (
                <p className="mt-0.5 text-xs text-slate-500">
                  {plan.status === "rejected" ? "Rejected" : "Approved"} by {plan.reviewedBy}{" "}
                  {formatWhen(plan.reviewedAt, tz)}
                  {plan.reviewNote ? `: ${plan.reviewNote}` : ""}
                </p>
              )}
            </div>
            <div className="flex items-center gap-3">
              <Badge tone={planTone[plan.status as keyof typeof planTone] ?? "neutral"}>
                {planLabel[plan.status as keyof typeof planLabel] ?? plan.status}
              </Badge>
              {reviewable && plan.status === "awaiting_review" && (
                <PlanReviewActions planId={plan.id} label={`PLAN-${plan.number}`} />
              )}
            </div>
          </div>
          {plan.steps.length === 0 ? (
            <p className="px-4 py-3 text-sm text-slate-500">No access changes: nothing to do.</p>
          ) : (
            <PlanStepsTable label={`Steps of PLAN-${plan.number}`} steps={plan.steps} />
          )}
        </li>
      ))}
    </ol>
  );
}
