import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { formatWhen } from "@/components/requests/format";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import type { AppRouter } from "@/server/api/root";
import { PlanReviewActions } from "./plan-review-actions";
import { viewerZone } from "@/server/auth/time-zone";

type Plan = inferRouterOutputs<AppRouter>["lifecycle"]["plansOf"][number];
type Step = Plan["steps"][number];

const planTone = { awaiting_review: "amber", approved: "green", rejected: "red" } as const;
const planLabel = { awaiting_review: "awaiting review", approved: "approved", rejected: "rejected" } as const;
const kindLabel: Record<string, string> = { joiner: "Joiner", mover: "Mover", leaver: "Leaver", change: "Change" };
const stateTone: Record<string, "neutral" | "brand" | "green" | "amber" | "red"> = {
  done: "green",
  queued: "brand",
  waiting: "amber",
  in_grace: "amber",
  removing: "brand",
  awaiting_review: "amber",
  failed: "red",
  cancelled: "neutral",
};
const stateLabel: Record<string, string> = {
  done: "done",
  queued: "queued",
  waiting: "task for IT",
  in_grace: "grace period",
  removing: "removing",
  awaiting_review: "awaiting review",
  failed: "failed",
  cancelled: "cancelled",
};

function actionText(s: Step) {
  if (s.action === "grant") return <span className="text-emerald-700">+ add</span>;
  if (s.action === "change_level") return <span className="text-brand-700">↕ level</span>;
  return <span className="text-red-700">− remove</span>;
}

function levelText(s: Step) {
  if (s.action === "change_level") return `${s.previousLevel ?? "lowest"} → ${s.level ?? "lowest"}`;
  return s.level ?? "";
}

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
    <ol className="grid gap-5">
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
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label={`Steps of PLAN-${plan.number}`}>
                <thead>
                  <tr className="border-b border-slate-100 text-xs tracking-wide text-slate-500 uppercase">
                    <th scope="col" className="px-4 py-2 font-medium">
                      Step
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Resource
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Level
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      When
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Why
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {plan.steps.map((s) => (
                    <tr key={s.id}>
                      <td className="px-4 py-2 font-medium whitespace-nowrap">{actionText(s)}</td>
                      <td className="px-4 py-2 font-mono text-xs text-slate-800">{s.resourceKey}</td>
                      <td className="px-4 py-2 whitespace-nowrap text-slate-700">{levelText(s)}</td>
                      <td className="px-4 py-2 whitespace-nowrap">
                        <Badge tone={stateTone[s.state] ?? "neutral"}>{stateLabel[s.state] ?? s.state}</Badge>
                        {s.exceptionNumber && (
                          <Link
                            href={`/exceptions/${s.exceptionId}`}
                            className="ml-2 text-xs text-brand-700 hover:underline"
                          >
                            EXC-{s.exceptionNumber}
                          </Link>
                        )}
                        {s.detail && <div className="mt-0.5 max-w-xs text-xs text-slate-500">{s.detail}</div>}
                      </td>
                      <td className="px-4 py-2 text-xs whitespace-nowrap text-slate-600">
                        {s.state === "done"
                          ? `done ${formatWhen(s.at, tz)}`
                          : s.graceDays > 0
                            ? `due ${formatWhen(s.dueAt, tz)} (${s.graceDays}-day grace)`
                            : s.executedAt
                              ? `queued ${formatWhen(s.executedAt, tz)}`
                              : "at once, once approved"}
                      </td>
                      <td className="min-w-56 px-4 py-2 text-xs text-slate-600">{s.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
