import { Alert } from "@/components/ui/alert";
import type { Assessment } from "@/server/core/requests/assessment";

/** What the policy engine says about this ask for this person (seed 004's prompt-for-request). */
export function AssessmentNotice({ assessment, approvers }: { assessment: Assessment; approvers: string[] }) {
  if (assessment.overall === "covered") {
    const via = [...new Set(assessment.grants.flatMap((g) => (g.status === "covered" ? g.via.slice(0, 1) : [])))];
    return (
      <Alert tone="green" title={`You already have this through ${via.join(", ")}`}>
        Your role policy gives it to you: there is nothing to ask for. See My access for the reason.
      </Alert>
    );
  }
  if (assessment.overall === "denied") {
    const policies = [...new Set(assessment.grants.flatMap((g) => (g.status === "denied" ? g.denyPolicies : [])))];
    return (
      <Alert tone="red" title={`Refused by policy: ${policies.join(", ")}`}>
        A deny policy forbids this access for you, and a deny beats any request. Talk to IT if you think the policy is
        wrong.
      </Alert>
    );
  }
  const names = [...new Set(approvers)];
  return (
    <Alert tone="amber" title="Outside your role policy: an exception that needs approval">
      Your policies do not give this access, so it would be an exception with an end date
      {names.length ? `, approved by ${names.join(", ")}` : ""}.
      {assessment.grants.some((g) => g.status === "covered") && " Part of it you already have through policy."}
    </Alert>
  );
}
