"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { parseDuration, shortDuration } from "@/server/core/fallbacks/duration";
import { isNeverExtended, MAX_ESCALATION_MINUTES } from "@/server/core/exceptions/patterns";
import type { ExceptionType, TypeSettings } from "@/server/core/exceptions/types";
import { typeLabel } from "./format";

const cell = "rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** One exception type's behaviour, edited in a row: durations as 4h, 14d, 2w. */
function TypeRow({
  type,
  settings,
  groups,
}: {
  type: ExceptionType;
  settings: TypeSettings;
  groups: { key: string; name: string }[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [max, setMax] = useState(shortDuration(settings.maxDurationMinutes));
  const [reminders, setReminders] = useState(settings.reminderOffsetsMinutes.map(shortDuration).join(", "));
  const [extensible, setExtensible] = useState(settings.extensible);
  // Seed 000 fixes these: the server refuses otherwise, so the form does not offer it.
  const fixed = isNeverExtended(type);
  const [group, setGroup] = useState(settings.escalatedApproverGroup ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  // The row's inputs belong to the form in its last cell, so Enter in any of them saves the row.
  const formId = useId();
  const save = useMutation(trpc.exceptions.updateTypeSettings.mutationOptions({ onSuccess: () => router.refresh() }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const maxMinutes = parseDuration(max);
    const offsets = reminders
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean)
      .map(parseDuration);
    if (!maxMinutes) return setProblem(`Longest duration: write it like 4h, 30d or 2w`);
    if (offsets.some((o) => o === null)) return setProblem("Reminders: write them like 14d, 1d, 1h");
    setProblem(null);
    save.mutate({
      type,
      maxDurationMinutes: maxMinutes,
      reminderOffsetsMinutes: offsets as number[],
      extensible: fixed ? false : extensible,
      escalatedApproverGroup: fixed ? null : group || null,
    });
  };
  return (
    <tr>
      <th scope="row" className="px-3 py-2 text-left font-medium">
        {typeLabel(type)}
      </th>
      <td className="px-3 py-2">
        <input
          aria-label={`${typeLabel(type)}: longest duration`}
          aria-describedby={type === "privilege_escalation" ? `${formId}-max` : undefined}
          form={formId}
          value={max}
          onChange={(e) => setMax(e.target.value)}
          className={`${cell} w-20`}
        />
        {type === "privilege_escalation" && (
          <span id={`${formId}-max`} className="block text-xs text-slate-500">
            hours, at most {shortDuration(MAX_ESCALATION_MINUTES)}
          </span>
        )}
      </td>
      <td className="px-3 py-2">
        <input
          aria-label={`${typeLabel(type)}: reminders before expiry`}
          form={formId}
          value={reminders}
          onChange={(e) => setReminders(e.target.value)}
          className={`${cell} w-36`}
        />
      </td>
      <td className="px-3 py-2">
        {fixed ? (
          <span
            className="text-xs text-slate-600"
            title="This kind of exception has a hard expiry: it is never extended"
          >
            <input
              type="checkbox"
              aria-label={`${typeLabel(type)}: can be extended`}
              aria-describedby={`${formId}-fixed`}
              checked={false}
              disabled
              className="mr-1 align-middle"
            />
            <span id={`${formId}-fixed`}>
              never ({type === "privilege_escalation" ? "auto-revoked, no renewal" : "hard expiry"})
            </span>
          </span>
        ) : (
          <input
            type="checkbox"
            aria-label={`${typeLabel(type)}: can be extended`}
            form={formId}
            checked={extensible}
            onChange={(e) => setExtensible(e.target.checked)}
          />
        )}
      </td>
      <td className="px-3 py-2">
        <select
          aria-label={`${typeLabel(type)}: escalated approvers`}
          form={formId}
          value={fixed ? "" : group}
          disabled={fixed}
          onChange={(e) => setGroup(e.target.value)}
          className={cell}
        >
          <option value="">none (no third extension)</option>
          {groups.map((g) => (
            <option key={g.key} value={g.key}>
              {g.name}
            </option>
          ))}
        </select>
      </td>
      <td className="px-3 py-2">
        <form id={formId} onSubmit={onSubmit}>
          <Button type="submit" variant="secondary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : save.isSuccess ? "Saved" : "Save"}
          </Button>
        </form>
        {(problem || save.isError) && (
          <p role="alert" className="mt-1 max-w-xs text-xs text-red-700">
            {problem ?? save.error?.message}
          </p>
        )}
      </td>
    </tr>
  );
}

export function TypeSettingsTable({
  settings,
  groups,
}: {
  settings: Record<ExceptionType, TypeSettings>;
  groups: { key: string; name: string }[];
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full text-sm" aria-label="Exception types">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="px-3 py-2 font-medium">
              Type
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Longest
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Reminders before expiry
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Extensible
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              3rd and 4th extension approved by
            </th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Save</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {(Object.keys(settings) as ExceptionType[]).map((t) => (
            <TypeRow key={t} type={t} settings={settings[t]} groups={groups} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
