import { MyAccess } from "@/components/access/my-access";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "My access" };

/**
 * Every employee's home, so it is prerendered (the frame and the page are the same HTML for
 * everyone): what it shows is the signed-in person's, loaded by the browser in one tRPC batch
 * (components/access/my-access.tsx) that also fills in the frame.
 */
export default function MyAccessPage() {
  return (
    <>
      <PageHeader title="My access" description="What you can use, and why you have it." />
      <MyAccess />
    </>
  );
}
