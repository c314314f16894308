import Link from "next/link";
import { NewSystemForm } from "@/components/systems/system-forms";
import { PageHeader } from "@/components/ui/page-header";
import { adapterKinds } from "@/server/adapters/registry";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Add a system" };

export default async function NewSystemPage() {
  await requireSection("systems");
  return (
    <>
      <PageHeader
        title="Add a system"
        description={
          <>
            Where access lives, and how Clearance reaches it. The connection is tested before the system is added.{" "}
            <Link href="/systems" className="text-brand-700 underline">
              Back to systems
            </Link>
          </>
        }
      />
      <NewSystemForm kinds={[...adapterKinds]} />
    </>
  );
}
