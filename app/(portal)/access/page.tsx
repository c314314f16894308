import { MyAccess } from "@/components/access/my-access";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "My access" };

/**
 * The page itself needs only the signed-in person (the session cache has them): what it shows is
 * loaded by the browser in one tRPC batch (components/access/my-access.tsx), so a page view does
 * not run the four queries twice, once to render and once again in the client.
 */
export default async function MyAccessPage() {
  const actor = await requireSection("my-access");
  return (
    <>
      <PageHeader title="My access" description="What you can use, and why you have it." />
      <MyAccess person={{ displayName: actor.displayName, email: actor.email, roles: actor.roles }} />
    </>
  );
}
