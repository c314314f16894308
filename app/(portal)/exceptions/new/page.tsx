import { NewExceptionForm } from "@/components/exceptions/new-exception-form";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Propose an exception" };

export default async function NewExceptionPage() {
  await requireSection("exceptions");
  const catalog = await (await api()).policies.catalog();
  return (
    <>
      <PageHeader
        title="Propose an exception"
        description={
          "Access outside policy for someone else, with a justification and an expiry. The " +
          "approver you name decides it in their inbox; once they approve it is granted through " +
          "the system's adapter and removed on its expiry."
        }
      />
      <NewExceptionForm resources={catalog.resources.map((r) => r.key)} />
    </>
  );
}
