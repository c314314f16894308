import { NotificationList } from "@/components/requests/notification-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  await requireSection("notifications");
  return (
    <>
      <PageHeader
        title="Notifications"
        description="What happened to your requests and what waits for you. Email carries the same, with a link that asks you to sign in."
      />
      <NotificationList />
    </>
  );
}
