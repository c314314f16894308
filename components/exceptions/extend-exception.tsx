"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

const choices = [
  { label: "1 day", minutes: 24 * 60 },
  { label: "1 week", minutes: 7 * 24 * 60 },
  { label: "2 weeks", minutes: 14 * 24 * 60 },
  { label: "4 weeks", minutes: 28 * 24 * 60 },
];

/**
 * IT proposes more time on an exception to a named approver, who decides it in their inbox; the
 * third and fourth extension need the type's escalated approver.
 */
export function ExtendException({
  exceptionId,
  number,
  extensionsUsed,
  escalatedGroup,
}: {
  exceptionId: string;
  number: number;
  extensionsUsed: number;
  escalatedGroup: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [minutes, setMinutes] = useState(choices[1]!.minutes);
  const [justification, setJustification] = useState("");
  const [approverEmail, setApproverEmail] = useState("");
  const extend = useMutation(
    trpc.exceptions.proposeExtension.mutationOptions({
      onSuccess: (request) => {
        setOpen(false);
        router.push(`/requests/${request.id}`);
      },
    }),
  );
  const escalated = extensionsUsed >= 2;
  return (
    <>
      <Button
        variant="secondary"
        disabled={extensionsUsed >= 4}
        title={extensionsUsed >= 4 ? "Extended four times: make it a policy" : undefined}
        onClick={() => setOpen(true)}
      >
        Extend…
      </Button>
      <ConfirmDialog
        open={open}
        title={`Propose extending EXC-${number}`}
        confirmLabel="Send to the approver"
        busy={extend.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() => extend.mutate({ exceptionId, durationMinutes: minutes, justification, approverEmail })}
      >
        <p>
          Extension {extensionsUsed + 1} of at most 4.{" "}
          {escalated ? (
            <>
              It needs the escalated approver
              {escalatedGroup ? (
                <>
                  {" "}
                  (someone in <b>{escalatedGroup}</b>)
                </>
              ) : null}
              .
            </>
          ) : (
            "Name who decides, usually the original approver."
          )}{" "}
          The expiry moves only when they approve.
        </p>
        <fieldset className="mt-3">
          <legend className="text-sm font-medium text-slate-800">By</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {choices.map((c) => (
              <label key={c.minutes} className="flex items-center gap-1.5 text-sm">
                <input
                  type="radio"
                  name="extend-by"
                  checked={minutes === c.minutes}
                  onChange={() => setMinutes(c.minutes)}
                />{" "}
                {c.label}
              </label>
            ))}
          </div>
        </fieldset>
        <label htmlFor="extend-justification" className="mt-3 block text-sm font-medium text-slate-800">
          Justification (required)
        </label>
        <textarea
          id="extend-justification"
          value={justification}
          onChange={(e) => setJustification(e.target.value)}
          rows={2}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        <label htmlFor="extend-approver" className="mt-3 block text-sm font-medium text-slate-800">
          Who decides (email, required)
        </label>
        <input
          id="extend-approver"
          type="email"
          value={approverEmail}
          onChange={(e) => setApproverEmail(e.target.value)}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {extend.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {extend.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
