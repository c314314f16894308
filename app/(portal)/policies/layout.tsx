import type { ReactNode } from "react";
import { PolicyTabs } from "@/components/policies/policy-tabs";
import { requireSection } from "@/server/auth/guard";

export default async function PoliciesLayout({ children }: { children: ReactNode }) {
  await requireSection("policies");
  return (
    <>
      <PolicyTabs />
      {children}
    </>
  );
}
