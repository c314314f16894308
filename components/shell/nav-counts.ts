"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/components/providers/trpc";

/**
 * The numbers beside Inbox and Notifications, loaded by the browser rather than by every page's
 * server render (issue 14: a page view then runs no count query). Fetched again on every
 * navigation and whenever the server renders the layout again (`renderKey` changes, e.g. after
 * router.refresh() once a request was decided or a notification read); pages that change them
 * may also invalidate the queries themselves (the inbox does).
 */
export function useNavCounts(renderKey: string, enabled: { inbox: boolean; notifications: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const inbox = useQuery({ ...trpc.inbox.count.queryOptions(), enabled: enabled.inbox });
  const unread = useQuery({ ...trpc.notifications.unreadCount.queryOptions(), enabled: enabled.notifications });
  const seen = useRef(`${pathname} ${renderKey}`);
  useEffect(() => {
    const now = `${pathname} ${renderKey}`;
    // Not on the first render: the queries above are loading then.
    if (seen.current === now) return;
    seen.current = now;
    // The sidebar and the phone menu both ask: the second joins the first's call (cancelRefetch: false).
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.count.queryKey() }, { cancelRefetch: false });
    void queryClient.invalidateQueries(
      { queryKey: trpc.notifications.unreadCount.queryKey() },
      { cancelRefetch: false },
    );
  }, [pathname, renderKey, queryClient, trpc]);
  return { inbox: inbox.data, notifications: unread.data } as Record<string, number | undefined>;
}
