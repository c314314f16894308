"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

type Decision = "approve" | "deny" | "needs_info";

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

/**
 * Approve (note optional), deny (reason required) or ask for more information. Keyboard: A, D
 * and I choose; the note box takes focus; Ctrl+Enter confirms.
 */
export function DecisionPanel({
  requestId,
  number,
  stageLabel,
}: {
  requestId: string;
  number: number;
  stageLabel: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [choice, setChoice] = useState<Decision | null>(null);
  const [note, setNote] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const decide = useMutation(
    trpc.requests.decide.mutationOptions({
      onSuccess: (_, asked) => {
        // The box empties and closes, so a sent question is not sent again by a second click.
        setNote("");
        setChoice(null);
        setSent(
          asked.decision === "needs_info"
            ? "Question sent. The request waits for the answer; you are told when it comes."
            : null,
        );
        router.refresh();
      },
    }),
  );
  const choose = (picked: Decision) => {
    setChoice(picked);
    setSent(null);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey) return;
      const map: Record<string, Decision> = { a: "approve", d: "deny", i: "needs_info" };
      const picked = map[e.key.toLowerCase()];
      if (picked) {
        e.preventDefault();
        choose(picked);
        setTimeout(() => noteRef.current?.focus(), 0);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const confirm = () => choice && decide.mutate({ requestId, decision: choice, note: note.trim() || undefined });
  const labels: Record<Decision, { button: string; note: string; confirm: string }> = {
    approve: { button: "Approve", note: "Note (optional)", confirm: `Approve REQ-${number}` },
    deny: { button: "Deny", note: "Why (required; the requester sees this)", confirm: `Deny REQ-${number}` },
    needs_info: {
      button: "Ask for more information",
      note: "What do you need to know? (required)",
      confirm: "Send question",
    },
  };

  return (
    <section aria-labelledby="decide-title" className="rounded-lg border-2 border-brand-100 bg-white p-5 shadow-sm">
      <h2 id="decide-title" className="text-base font-semibold">
        Your decision{stageLabel ? ` · ${stageLabel}` : ""}
      </h2>
      <div className="mt-3 flex flex-wrap gap-2" role="group" aria-label="Decision">
        <Button
          variant={choice === "approve" ? "primary" : "secondary"}
          aria-pressed={choice === "approve"}
          onClick={() => choose("approve")}
          aria-keyshortcuts="A"
        >
          Approve
        </Button>
        <Button
          variant={choice === "deny" ? "danger" : "secondary"}
          aria-pressed={choice === "deny"}
          onClick={() => choose("deny")}
          aria-keyshortcuts="D"
        >
          Deny
        </Button>
        <Button
          variant={choice === "needs_info" ? "primary" : "secondary"}
          aria-pressed={choice === "needs_info"}
          onClick={() => choose("needs_info")}
          aria-keyshortcuts="I"
        >
          Ask for more information
        </Button>
      </div>
      <p className="mt-2 text-xs text-slate-500">Keys: A approve · D deny · I ask · Ctrl+Enter confirm</p>
      <p role="status" className="mt-2 text-sm text-emerald-800 empty:hidden">
        {sent}
      </p>
      {choice && (
        <form
          className="mt-4 grid gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            confirm();
          }}
        >
          <label htmlFor="decision-note" className="text-sm font-medium text-slate-800">
            {labels[choice].note}
          </label>
          <textarea
            id="decision-note"
            ref={noteRef}
            rows={3}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) confirm();
              if (e.key === "Escape") setChoice(null);
            }}
            className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          {decide.isError && (
            <p role="alert" className="text-sm text-red-700">
              {decide.error.message}
            </p>
          )}
          <div className="flex gap-2">
            <Button type="submit" variant={choice === "deny" ? "danger" : "primary"} disabled={decide.isPending}>
              {decide.isPending ? "Saving…" : labels[choice].confirm}
            </Button>
            <Button variant="ghost" onClick={() => setChoice(null)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
