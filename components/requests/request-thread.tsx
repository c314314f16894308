"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatWhen } from "./format";
import { MessageBody } from "./message-body";
import { useTimeZone } from "@/components/time/time-zone";

export interface ThreadMessage {
  id: number;
  kind: string;
  body: string;
  createdAt: Date;
  authorName: string | null;
}

const kindLabel: Record<string, string> = { info_request: "asked for more information", info_answer: "answered" };

/** The discussion: requester and approvers, plain text with *bold*, `code`, links and @mentions. */
export function RequestThread({
  requestId,
  messages,
  canPost,
  answering,
}: {
  requestId: string;
  messages: ThreadMessage[];
  canPost: boolean;
  answering: boolean;
}) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const [body, setBody] = useState("");
  const post = useMutation(
    trpc.requests.postMessage.mutationOptions({
      onSuccess: () => {
        setBody("");
        router.refresh();
      },
    }),
  );
  return (
    <section aria-labelledby="thread-title" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 id="thread-title" className="border-b border-slate-100 px-5 py-4 text-base font-semibold">
        Discussion
      </h2>
      <ol className="divide-y divide-slate-100" aria-label="Messages">
        {messages.map((m) => (
          <li
            key={m.id}
            className={cn(
              "px-5 py-3",
              m.kind === "event" && "bg-slate-50/70",
              m.kind === "info_request" && "bg-brand-50/60",
            )}
          >
            <p className="mb-1 text-xs text-slate-500">
              <span className="font-medium text-slate-700">{m.authorName ?? "Clearance"}</span>
              {kindLabel[m.kind] ? ` ${kindLabel[m.kind]}` : ""} · {formatWhen(m.createdAt, tz)}
            </p>
            <MessageBody body={m.body} />
          </li>
        ))}
      </ol>
      {canPost && (
        <form
          className="border-t border-slate-100 px-5 py-4"
          onSubmit={(e) => {
            e.preventDefault();
            post.mutate({ requestId, body });
          }}
        >
          <label htmlFor="thread-message" className="text-sm font-medium text-slate-800">
            {answering ? "Your answer (sends the request back to the approvers)" : "Write a message"}
          </label>
          <textarea
            id="thread-message"
            rows={3}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey) && body.trim()) post.mutate({ requestId, body });
            }}
            className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            placeholder="Plain text; *bold*, `code`, links and @name mentions work. Ctrl+Enter sends."
          />
          {post.isError && (
            <p role="alert" className="mt-1 text-sm text-red-700">
              {post.error.message}
            </p>
          )}
          <Button type="submit" className="mt-2" disabled={post.isPending || !body.trim()}>
            {answering ? "Send answer" : "Send"}
          </Button>
        </form>
      )}
    </section>
  );
}
