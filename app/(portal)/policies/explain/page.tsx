import { ExplainTool } from "@/components/policies/explain-tool";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Explain access" };

export default async function ExplainPage() {
  await requireSection("policies");
  return (
    <>
      <PageHeader
        title="Explain"
        description="Why a person has a resource, or exactly which condition keeps them from it."
      />
      <ExplainTool />
    </>
  );
}
