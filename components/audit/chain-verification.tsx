"use client";

import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { useTimeZone } from "@/components/time/time-zone";
import { formatWhen } from "@/server/core/time";

/**
 * Verify the audit chain (keys and checkpoints) and write a checkpoint on demand. What the results
 * mean is decided by the server; this only shows them.
 */
export function ChainVerification() {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const verify = useMutation(trpc.auditLog.verifyChain.mutationOptions());
  const checkpoint = useMutation(trpc.auditLog.writeCheckpoint.mutationOptions());
  const v = verify.data;
  const c = checkpoint.data;

  return (
    <div className="grid gap-2 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="text-sm text-slate-700" aria-live="polite">
          {v?.ok === true && (
            <span className="font-medium text-emerald-700">
              Chain verified: all {v.checked} events link up.
              {v.legacy > 0 && ` The first ${v.legacy} predate audit keys and are anchored by the first keyed event.`}
            </span>
          )}
          {v?.ok === false && (
            <span className="font-medium text-red-700" role="alert">
              {v.brokenAt === null ? "Chain broken" : `Chain broken at event #${v.brokenAt}`}: {v.problem}.
            </span>
          )}
          {!v &&
            !verify.isError &&
            "Check that no event was changed, removed or added without the audit key, against the latest checkpoints kept outside the database."}
          {verify.isError && <span className="text-red-700">Verification failed: {verify.error.message}</span>}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="ghost" onClick={() => checkpoint.mutate()} disabled={checkpoint.isPending}>
            {checkpoint.isPending ? "Writing checkpoint…" : "Write checkpoint now"}
          </Button>
          <Button variant="secondary" onClick={() => verify.mutate()} disabled={verify.isPending}>
            {verify.isPending ? "Verifying…" : "Verify audit chain"}
          </Button>
        </div>
      </div>

      {v && v.checkpoints.length > 0 && (
        <ul className="text-xs text-slate-600">
          {v.checkpoints.map((cp) => (
            <li key={`${cp.location}/${cp.name}`}>
              {v.ok ? "Agrees with" : "Compared with"} the checkpoint of {formatWhen(cp.at, tz, { seconds: true })} (
              {cp.count} events) in {cp.location}.
            </li>
          ))}
        </ul>
      )}
      {v && v.unconfirmed.length > 0 && (
        <ul className="text-xs font-medium text-amber-800" role="status">
          {v.unconfirmed.map((reason) => (
            <li key={reason}>Not confirmed: {reason}, so events removed from the end cannot be ruled out.</li>
          ))}
        </ul>
      )}
      {v && v.unchained.count > 0 && (
        <p className="text-xs text-slate-600" role="status">
          {v.unchained.count} newer event{v.unchained.count === 1 ? " is" : "s are"} not linked into the chain yet (the
          oldest from {formatWhen(v.unchained.oldestAt!, tz, { seconds: true })}); events are linked within about a
          second of being recorded.
        </p>
      )}

      {c?.ok === true && (
        <p className="text-xs text-slate-600" role="status">
          Checkpoint of {formatWhen(c.checkpoint.at, tz, { seconds: true })}: {c.checkpoint.count} events
          {c.checkpoint.headId !== null && ` ending at #${c.checkpoint.headId}`}, written to{" "}
          {c.written.map((w) => w.location).join(", ") || "no location"}.
          {c.failed.map((f) => (
            <span key={f.location} className="block font-medium text-red-700">
              Not written to {f.location}: {f.problem}
            </span>
          ))}
        </p>
      )}
      {c?.ok === false && (
        <p className="text-xs font-medium text-red-700" role="alert">
          Checkpoint refused: {c.refused}.
        </p>
      )}
      {checkpoint.isError && (
        <p className="text-xs text-red-700">The checkpoint could not be written: {checkpoint.error.message}</p>
      )}
    </div>
  );
}
