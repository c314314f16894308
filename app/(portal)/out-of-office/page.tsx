import { DelegationManager } from "@/components/requests/delegation-manager";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Out of office" };

export default async function OutOfOfficePage() {
  await requireSection("out-of-office");
  return (
    <>
      <PageHeader
        title="Out of office"
        description="While you are away, someone you choose decides what waits for you. They never decide your own requests."
      />
      <DelegationManager />
    </>
  );
}
