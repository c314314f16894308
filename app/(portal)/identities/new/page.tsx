import Link from "next/link";
import { AddPersonForm } from "@/components/identities/add-person-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Add a person" };

export default async function NewPersonPage() {
  await requireSection("identities");
  return (
    <>
      <PageHeader
        title="Add a person"
        description={
          <>
            Someone no HR feed has sent yet: a contractor, a first administrator. Policies treat them like anyone else;
            the first HR or SCIM source that sends the same email takes them over.{" "}
            <Link href="/identities" className="text-brand-700 underline">
              Back to identities
            </Link>
          </>
        }
      />
      <AddPersonForm />
    </>
  );
}
