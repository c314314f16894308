"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { Skeleton } from "@/components/ui/skeleton";
import { formatWhen } from "./format";
import { MessageBody } from "./message-body";
import { useTimeZone } from "@/components/time/time-zone";

const PAGE_SIZE = 25;

export function NotificationList() {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useQuery(trpc.notifications.list.queryOptions({ page, pageSize: PAGE_SIZE, unreadOnly }));
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.notifications.list.queryKey() });
        router.refresh();
      },
    }),
  );
  return (
    <div className="grid gap-3">
      <div className="flex items-center justify-between gap-3">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              setUnreadOnly(e.target.checked);
              setPage(1);
            }}
          />
          Unread only
        </label>
        <Button variant="secondary" disabled={markRead.isPending} onClick={() => markRead.mutate({})}>
          Mark all as read
        </Button>
      </div>
      {list.isPending ? (
        <Skeleton className="h-24" />
      ) : list.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {list.error.message}
        </p>
      ) : list.data.total === 0 ? (
        <EmptyState title={unreadOnly ? "Nothing unread" : "No notifications yet"}>
          You are told here when someone asks you to decide, answers you, or decides your request.
        </EmptyState>
      ) : (
        <>
          <ul
            className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
            aria-label="Notifications"
          >
            {list.data.rows.map((n) => (
              <li key={n.id} className={cn("flex items-start gap-3 px-4 py-3", !n.readAt && "bg-brand-50/50")}>
                <span
                  aria-hidden
                  className={cn("mt-1.5 size-2 shrink-0 rounded-full", n.readAt ? "bg-transparent" : "bg-brand-600")}
                />
                <div className="min-w-0 flex-1">
                  {n.link ? (
                    <Link
                      href={n.link}
                      onClick={() => !n.readAt && markRead.mutate({ id: n.id })}
                      className="font-medium text-slate-900 hover:underline"
                    >
                      {n.title}
                    </Link>
                  ) : (
                    <p className="font-medium text-slate-900">{n.title}</p>
                  )}
                  <MessageBody body={n.body} className="text-slate-600" />
                  <p className="text-xs text-slate-500">
                    {formatWhen(n.createdAt, tz)}
                    {!n.readAt && <span className="sr-only"> (unread)</span>}
                  </p>
                </div>
                {!n.readAt && (
                  <Button variant="ghost" className="text-xs" onClick={() => markRead.mutate({ id: n.id })}>
                    Mark read
                  </Button>
                )}
              </li>
            ))}
          </ul>
          <Pagination page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={setPage} label="notifications" />
        </>
      )}
    </div>
  );
}
