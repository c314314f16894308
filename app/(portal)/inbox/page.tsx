import { InboxList } from "@/components/requests/inbox-list";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Inbox" };

export default async function InboxPage() {
  await requireSection("inbox");
  const catalog = await (await api()).requests.catalog({});
  return (
    <>
      <PageHeader
        title="Inbox"
        description="Requests waiting for your decision: yours to decide, through a group, or standing in for someone away. Oldest first."
      />
      <InboxList templates={catalog.map((t) => ({ key: t.key, name: t.name }))} />
    </>
  );
}
