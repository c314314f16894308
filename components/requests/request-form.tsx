"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { RestrictionsSummary } from "@/components/exceptions/restrictions-summary";
import { isNeverExtended } from "@/server/core/exceptions/patterns";
import type { TemplateDefinition } from "@/server/core/requests/template";
import { fixedRestrictions } from "@/server/core/requests/template-rules";
import { formatDay } from "./format";
import { useTimeZone } from "@/components/time/time-zone";
import { wallClockIn } from "@/server/core/time";

const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/** The ask: duration, start, justification, the template's own fields, a ticket. The server checks it all again. */
export function RequestForm({
  templateKey,
  definition,
  durations,
  held,
}: {
  templateKey: string;
  definition: TemplateDefinition;
  durations: { minutes: number; label: string }[];
  held: { id: string; number: number; until: Date | null } | null;
}) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const [duration, setDuration] = useState(durations[0]!.minutes);
  const [start, setStart] = useState("");
  const [justification, setJustification] = useState("");
  const [ticket, setTicket] = useState("");
  const [fields, setFields] = useState<Record<string, string | boolean>>({});
  // Privilege escalation and role transition are never extended (seed 000): no extension to offer.
  const extensible = !isNeverExtended(definition.exceptionType);
  const [extension, setExtension] = useState(Boolean(held) && extensible);
  const [ranges, setRanges] = useState("");
  const restrictions = definition.restrictions;
  const asksForRanges = Boolean(restrictions?.requesterSuppliesIpAllowList) && !extension;
  const submit = useMutation(
    trpc.requests.submit.mutationOptions({ onSuccess: (r) => router.push(`/requests/${r.id}`) }),
  );
  const badField = submit.error?.data?.field ?? null;
  const min = definition.justificationMinLength;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit.mutate({
      templateKey,
      durationMinutes: duration,
      justification,
      requestedStart: definition.startMode === "requester_picks" && start ? wallClockIn(start, tz) : null,
      fields,
      ticketReference: ticket.trim() || null,
      extension,
      ...(asksForRanges ? { ipAllowList: ranges.split(/[\s,]+/).filter(Boolean) } : {}),
    });
  };

  return (
    <Card title={held && extension ? "Ask for more time" : "Your request"}>
      <form onSubmit={onSubmit} className="grid gap-5" noValidate>
        {held && !extensible && (
          <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
            You hold this until {formatDay(held.until, tz)} through REQ-{held.number}. This access cannot be extended:
            ask again once it ends.
          </p>
        )}
        {held && extensible && (
          <label className="flex items-start gap-2 rounded-md bg-brand-50 p-3 text-sm">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={extension}
              onChange={(e) => setExtension(e.target.checked)}
            />
            <span>
              You hold this until {formatDay(held.until, tz)} through REQ-{held.number}. <strong>Extend it</strong>: the
              time you pick is added after that date.
            </span>
          </label>
        )}
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">For how long</legend>
          <div className="mt-2 flex flex-wrap gap-2" aria-invalid={badField === "durationMinutes"}>
            {durations.map((d) => (
              <label
                key={d.minutes}
                className={cn(
                  "cursor-pointer rounded-md px-3 py-1.5 text-sm ring-1",
                  duration === d.minutes
                    ? "bg-brand-600 text-white ring-brand-600"
                    : "bg-white ring-slate-300 hover:bg-slate-50",
                )}
              >
                <input
                  type="radio"
                  name="duration"
                  className="sr-only"
                  checked={duration === d.minutes}
                  onChange={() => setDuration(d.minutes)}
                />
                {d.label}
              </label>
            ))}
          </div>
        </fieldset>
        {definition.startMode === "requester_picks" && !extension && (
          <div>
            <label htmlFor="request-start" className="text-sm font-medium text-slate-800">
              Starting ({tz} time)
            </label>
            <input
              id="request-start"
              type="datetime-local"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              className={input}
              aria-invalid={badField === "requestedStart"}
            />
          </div>
        )}
        <div>
          <label htmlFor="request-justification" className="text-sm font-medium text-slate-800">
            Why do you need it?
          </label>
          <textarea
            id="request-justification"
            rows={4}
            value={justification}
            onChange={(e) => setJustification(e.target.value)}
            className={input}
            aria-invalid={badField === "justification"}
            aria-describedby="request-justification-help"
          />
          <p
            id="request-justification-help"
            className={cn("mt-1 text-xs", justification.trim().length < min ? "text-slate-500" : "text-emerald-700")}
          >
            {justification.trim().length} / at least {min} characters. Say what you will do and for which project or
            ticket.
          </p>
        </div>
        {restrictions && !extension && (
          <div className="grid gap-2 rounded-md border border-amber-200 bg-amber-50/50 p-3 text-sm">
            <p className="font-medium text-slate-800">This access comes with restrictions</p>
            <RestrictionsSummary restrictions={fixedRestrictions(restrictions)} />
            {asksForRanges && (
              <div>
                <label htmlFor="request-ip-ranges" className="font-medium text-slate-800">
                  IP addresses or ranges it will be used from <span className="text-red-700">*</span>
                </label>
                <textarea
                  id="request-ip-ranges"
                  rows={2}
                  value={ranges}
                  onChange={(e) => setRanges(e.target.value)}
                  placeholder="203.0.113.0/24, one per line"
                  className={`${input} font-mono`}
                  aria-invalid={badField === "ipAllowList" || badField?.startsWith("ipAllowList.")}
                  aria-describedby="request-ip-ranges-help"
                />
                <p id="request-ip-ranges-help" className="mt-1 text-xs text-slate-600">
                  Only connections from these are allowed. Approvers see them. No range broader than /16 (IPv4) or /32
                  (IPv6).
                </p>
              </div>
            )}
          </div>
        )}
        {definition.fields.map((f) => {
          const id = `request-field-${f.key}`;
          const invalid = badField === `fields.${f.key}`;
          if (f.type === "checkbox") {
            return (
              <label key={f.key} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-0.5"
                  checked={fields[f.key] === true}
                  onChange={(e) => setFields({ ...fields, [f.key]: e.target.checked })}
                  aria-invalid={invalid}
                />
                <span>
                  {f.label}
                  {f.required && <span className="text-red-700"> *</span>}
                </span>
              </label>
            );
          }
          return (
            <div key={f.key}>
              <label htmlFor={id} className="text-sm font-medium text-slate-800">
                {f.label}
                {f.required ? (
                  <span className="text-red-700"> *</span>
                ) : (
                  <span className="font-normal text-slate-500"> (optional)</span>
                )}
              </label>
              {f.type === "dropdown" ? (
                <select
                  id={id}
                  value={String(fields[f.key] ?? "")}
                  onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}
                  className={input}
                  aria-invalid={invalid}
                >
                  <option value="">Choose…</option>
                  {f.options.map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  value={String(fields[f.key] ?? "")}
                  maxLength={f.maxLength}
                  onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}
                  className={input}
                  aria-invalid={invalid}
                />
              )}
            </div>
          );
        })}
        {definition.ticketReference !== "hidden" && (
          <div>
            <label htmlFor="request-ticket" className="text-sm font-medium text-slate-800">
              Ticket reference
              {definition.ticketReference === "optional" && (
                <span className="font-normal text-slate-500"> (optional)</span>
              )}
            </label>
            <input
              id="request-ticket"
              value={ticket}
              onChange={(e) => setTicket(e.target.value)}
              placeholder="e.g. JIRA-1234"
              className={input}
              aria-invalid={badField === "ticketReference"}
            />
          </div>
        )}
        {submit.isError && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {submit.error.message}
          </p>
        )}
        <div>
          <Button type="submit" disabled={submit.isPending}>
            {submit.isPending ? "Sending…" : extension ? "Ask for the extension" : "Send request"}
          </Button>
        </div>
      </form>
    </Card>
  );
}
