import { NewExceptionForm } from "@/components/exceptions/new-exception-form";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Record an exception" };

export default async function NewExceptionPage() {
  await requireSection("exceptions");
  const catalog = await (await api()).policies.catalog();
  return (
    <>
      <PageHeader title="Record an exception" description="Access outside policy, granted now through the system's adapter and removed on its expiry. It still needs a named approver and a justification." />
      <NewExceptionForm resources={catalog.resources.map((r) => r.key)} />
    </>
  );
}
