"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { PersonPicker, type PickedPerson } from "@/components/policies/person-picker";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { defaultTypeSettings, exceptionTypes, type ExceptionType } from "@/server/core/exceptions/types";
import { typeLabel } from "./format";
import { formatDuration } from "@/server/core/requests/template";
import { wallClockIn } from "@/server/core/time";
import { useTimeZone } from "@/components/time/time-zone";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
const label = "text-xs font-medium text-slate-600";

/**
 * IT proposes an exception for someone: what, why, until when, and who decides. It is a request
 * in that approver's inbox; the access starts only when they approve (issue 12).
 */
export function NewExceptionForm({ resources }: { resources: string[] }) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const [person, setPerson] = useState<PickedPerson | null>(null);
  const [resource, setResource] = useState("");
  const [type, setType] = useState<ExceptionType>("project");
  const [justification, setJustification] = useState("");
  const [approverEmail, setApproverEmail] = useState("");
  const [expires, setExpires] = useState("");
  const [reference, setReference] = useState("");
  const [ipAllowList, setIpAllowList] = useState("");
  // Seed 000's vendor pattern: MFA and sessions of at most 8 hours unless IT says otherwise.
  const [mfaRequired, setMfaRequired] = useState(true);
  const [sessionHours, setSessionHours] = useState("8");
  const propose = useMutation(
    trpc.exceptions.propose.mutationOptions({ onSuccess: (request) => router.push(`/requests/${request.id}`) }),
  );
  const max = defaultTypeSettings[type].maxDurationMinutes;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!person) return;
    const refKey =
      type === "vendor"
        ? "contract"
        : type === "privilege_escalation"
          ? "incident"
          : type === "training"
            ? "project"
            : "project";
    propose.mutate({
      identityId: person.id,
      resource,
      level: null,
      type,
      justification,
      approverEmail,
      references: reference ? { [refKey]: reference } : {},
      restrictions:
        type === "vendor"
          ? {
              ...(ipAllowList.trim() ? { ipAllowList: ipAllowList.split(/[\s,]+/).filter(Boolean) } : {}),
              ...(mfaRequired ? { mfaRequired } : {}),
              ...(Number(sessionHours) > 0 ? { sessionMinutes: Math.round(Number(sessionHours) * 60) } : {}),
            }
          : {},
      expiresAt: expires ? wallClockIn(expires, tz) : null,
    });
  };

  return (
    <form
      onSubmit={onSubmit}
      className="grid max-w-2xl gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <PersonPicker value={person} onPick={setPerson} label="Person (required)" />
      <div>
        <label htmlFor="exc-resource" className={label}>
          Resource (required)
        </label>
        <input
          id="exc-resource"
          list="exc-resources"
          value={resource}
          onChange={(e) => setResource(e.target.value)}
          className={input}
          placeholder="google:group:finance-reports@company.com"
        />
        <datalist id="exc-resources">
          {resources.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="exc-type" className={label}>
            Type
          </label>
          <select
            id="exc-type"
            value={type}
            onChange={(e) => setType(e.target.value as ExceptionType)}
            className={input}
          >
            {exceptionTypes.map((t) => (
              <option key={t} value={t}>
                {typeLabel(t)}
              </option>
            ))}
          </select>
          <p className="mt-1 text-xs text-slate-500">Lasts at most {formatDuration(max)}.</p>
        </div>
        <div>
          <label htmlFor="exc-expires" className={label}>
            Expires (required, {tz} time)
          </label>
          <input
            id="exc-expires"
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            className={input}
          />
        </div>
      </div>
      <div>
        <label htmlFor="exc-justification" className={label}>
          Justification (required)
        </label>
        <textarea
          id="exc-justification"
          value={justification}
          onChange={(e) => setJustification(e.target.value)}
          rows={3}
          className={input}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="exc-approver" className={label}>
            Who decides: the approver&apos;s email (required)
          </label>
          <input
            id="exc-approver"
            type="email"
            value={approverEmail}
            onChange={(e) => setApproverEmail(e.target.value)}
            className={input}
            placeholder="cfo@company.com"
          />
        </div>
        <div>
          <label htmlFor="exc-reference" className={label}>
            {type === "vendor" ? "Contract" : type === "privilege_escalation" ? "Incident" : "Project"} (optional)
          </label>
          <input
            id="exc-reference"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
            className={input}
          />
        </div>
      </div>
      {type === "vendor" && (
        <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-xs font-medium text-slate-600">
            Vendor restrictions (passed to adapters that enforce them)
          </legend>
          <div>
            <label htmlFor="exc-ips" className={label}>
              IP allow-list
            </label>
            <input
              id="exc-ips"
              value={ipAllowList}
              onChange={(e) => setIpAllowList(e.target.value)}
              className={input}
              placeholder="203.0.113.0/24"
            />
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={mfaRequired} onChange={(e) => setMfaRequired(e.target.checked)} /> MFA
            required
          </label>
          <div>
            <label htmlFor="exc-session" className={label}>
              Sessions end after (hours, required)
            </label>
            <input
              id="exc-session"
              type="number"
              min={1}
              max={24}
              value={sessionHours}
              onChange={(e) => setSessionHours(e.target.value)}
              className={input}
            />
          </div>
        </fieldset>
      )}
      {propose.isError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {propose.error.message}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={!person || propose.isPending}>
          {propose.isPending ? "Sending…" : "Send to the approver"}
        </Button>
        <p className="text-xs text-slate-600">
          The approver decides in their inbox; nothing is granted until they approve.
        </p>
      </div>
    </form>
  );
}
