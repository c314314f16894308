import { WhatIfTool } from "@/components/policies/what-if-tool";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "What if" };

export default async function WhatIfPage() {
  await requireSection("policies");
  return (
    <>
      <PageHeader
        title="What if"
        description="Try a promotion, a transfer or a new location on someone and see the access that would follow."
      />
      <WhatIfTool />
    </>
  );
}
