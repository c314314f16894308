import Link from "next/link";
import { PlanList } from "@/components/lifecycle/plan-list";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Plans to review" };

export default async function PlansToReviewPage() {
  await requireSection("identities");
  const plans = await (await api()).lifecycle.awaitingReview();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/identities" className="hover:text-slate-800">
          Identities
        </Link>{" "}
        / Plans to review
      </nav>
      <PageHeader
        title="Plans to review"
        description={
          "Systems in review-before-execution mode hold the steps of each HR change here until IT " +
          "approves them. Turn the mode on or off per system on the Drift page."
        }
      />
      <PlanList
        plans={plans}
        showPerson
        reviewable
        empty={{
          title: "Nothing waiting for review",
          text: "Plans on systems in review-before-execution mode appear here until IT approves or rejects them.",
        }}
      />
    </>
  );
}
