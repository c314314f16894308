"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { exceptionTypeLabels, exceptionTypes, type ExceptionType } from "@/server/core/exceptions/types";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { formatDuration, type Stage, type TemplateDefinition } from "@/server/core/requests/template";
import { inputClass, labelClass, smallInput } from "./controls";
import { DurationInput, DurationList } from "./duration-input";
import { FieldsEditor } from "./fields-editor";
import { NotifyPreview } from "./notify-preview";
import { defaultVendorRestrictions, RestrictionsEditor } from "./restrictions-editor";
import { StageEditor } from "./stage-editor";
import { AutomationEditor } from "./automation-editor";
import { Section } from "./editor-section";

export interface EditorCatalog {
  resources: { key: string; systemKey: string }[];
  levels: Record<string, string[]>;
  groups: { key: string; name: string }[];
  /** each exception type's longest duration, as IT set it (Exceptions › Types): a template may offer no longer */
  typeLimits: Record<ExceptionType, number>;
}

const newStage = (): Stage => ({
  name: "Manager",
  approvers: [{ kind: "manager" }],
  threshold: { kind: "any" },
  notify: { policy: "all", count: 1 },
  escalation: null,
});

/** Creates or edits a template; the server validates again and names the field at fault. */
export function TemplateEditor({
  initial,
  catalog,
}: {
  initial: { key: string; name: string; description: string; definition: TemplateDefinition } | null;
  catalog: EditorCatalog;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [key, setKey] = useState(initial?.key ?? "");
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [def, setDef] = useState<TemplateDefinition>(
    initial?.definition ?? {
      grants: [{ resource: "", level: null }],
      durations: [60, 480, 60 * 24 * 7],
      maxDurationMinutes: 60 * 24 * 7,
      startMode: "on_approval",
      stages: [newStage()],
      fields: [],
      justificationMinLength: 20,
      ticketReference: "optional",
      autoApproval: [],
      autoApproveOutsidePolicy: false,
      pendingExpiryDays: 7,
      reminderAfterHours: 24,
      exceptionType: "project",
      onGrantFailure: { mode: "retry", maxAttempts: 5 },
    },
  );
  const patch = (p: Partial<TemplateDefinition>) => setDef((d) => ({ ...d, ...p }));
  const save = useMutation(trpc.templates.save.mutationOptions({ onSuccess: () => router.push("/templates") }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ create: !initial, key, name, description, definition: def });
  };
  const typeLimit = catalog.typeLimits[def.exceptionType];
  const overLimit = [...def.durations, def.maxDurationMinutes].some((m) => m > typeLimit);
  // Vendor templates carry restrictions (seed 000, pattern 5); other kinds carry none.
  const setExceptionType = (exceptionType: ExceptionType) =>
    patch({
      exceptionType,
      restrictions: exceptionType === "vendor" ? (def.restrictions ?? defaultVendorRestrictions) : undefined,
    });

  return (
    <form onSubmit={onSubmit} className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" noValidate>
      <div className="grid content-start gap-5">
        <Section title="Basics">
          <div>
            <label htmlFor="template-name" className={labelClass}>
              Name
            </label>
            <input id="template-name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
          </div>
          {!initial && (
            <div>
              <label htmlFor="template-key" className={labelClass}>
                Key{" "}
                <span className="font-normal text-slate-500">
                  (in links; lowercase and dashes; cannot change later)
                </span>
              </label>
              <input
                id="template-key"
                value={key}
                onChange={(e) => setKey(e.target.value)}
                className={`${inputClass} font-mono`}
                placeholder="finance-reports"
              />
            </div>
          )}
          <div>
            <label htmlFor="template-description" className={labelClass}>
              Description <span className="font-normal text-slate-500">(shown in the catalog)</span>
            </label>
            <textarea
              id="template-description"
              rows={2}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              className={inputClass}
            />
          </div>
        </Section>

        <Section title="What it grants">
          <datalist id="resource-keys">
            {catalog.resources.map((r) => (
              <option key={r.key} value={r.key} />
            ))}
          </datalist>
          <ul className="grid gap-2">
            {def.grants.map((g, i) => {
              const levels = catalog.levels[g.resource.split(":")[0] ?? ""] ?? [];
              return (
                <li key={i} className="flex flex-wrap items-center gap-2">
                  <input
                    aria-label={`Grant ${i + 1}: resource`}
                    list="resource-keys"
                    value={g.resource}
                    placeholder="system:type:name"
                    onChange={(e) =>
                      patch({ grants: def.grants.map((x, k) => (k === i ? { ...x, resource: e.target.value } : x)) })
                    }
                    className={`${smallInput} w-96 font-mono`}
                  />
                  <select
                    aria-label={`Grant ${i + 1}: level`}
                    value={g.level ?? ""}
                    onChange={(e) =>
                      patch({
                        grants: def.grants.map((x, k) => (k === i ? { ...x, level: e.target.value || null } : x)),
                      })
                    }
                    className={smallInput}
                  >
                    <option value="">default level</option>
                    {levels.map((l) => (
                      <option key={l}>{l}</option>
                    ))}
                  </select>
                  {def.grants.length > 1 && (
                    <Button
                      variant="ghost"
                      className="text-xs"
                      onClick={() => patch({ grants: def.grants.filter((_, k) => k !== i) })}
                    >
                      Remove
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
          <Button
            variant="ghost"
            className="justify-self-start text-xs"
            onClick={() => patch({ grants: [...def.grants, { resource: "", level: null }] })}
          >
            + Add resource
          </Button>
        </Section>

        <Section title="For how long">
          <p
            id="type-limit"
            className={overLimit ? "rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" : "text-sm text-slate-600"}
            role={overLimit ? "alert" : undefined}
          >
            {exceptionTypeLabels[def.exceptionType]} exceptions last at most{" "}
            <strong>{formatDuration(typeLimit)}</strong> (set under Exceptions › Types)
            {overLimit ? ": shorten the durations or the maximum below, or the template cannot be saved." : "."}
          </p>
          <DurationList durations={def.durations} limit={typeLimit} onChange={(durations) => patch({ durations })} />
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor="max-duration">Never longer than</label>
            <DurationInput
              id="max-duration"
              label="Maximum duration"
              minutes={def.maxDurationMinutes}
              onChange={(maxDurationMinutes) => patch({ maxDurationMinutes })}
            />
          </div>
          <fieldset className="flex flex-wrap gap-4 text-sm">
            <legend className="sr-only">When access starts</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="start-mode"
                checked={def.startMode === "on_approval"}
                onChange={() => patch({ startMode: "on_approval" })}
              />{" "}
              Starts at approval
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="start-mode"
                checked={def.startMode === "requester_picks"}
                onChange={() => patch({ startMode: "requester_picks" })}
              />{" "}
              The requester picks the start
            </label>
          </fieldset>
        </Section>

        <Section title="Approval" description="Up to three stages, one after the other. Any deny ends the request.">
          {def.stages.map((s, i) => (
            <StageEditor
              key={i}
              index={i}
              stage={s}
              groups={catalog.groups}
              onChange={(stage) => patch({ stages: def.stages.map((x, k) => (k === i ? stage : x)) })}
              onRemove={
                def.stages.length > 1 ? () => patch({ stages: def.stages.filter((_, k) => k !== i) }) : undefined
              }
            />
          ))}
          {def.stages.length < 3 && (
            <Button
              variant="secondary"
              className="justify-self-start"
              onClick={() => patch({ stages: [...def.stages, newStage()] })}
            >
              Add a stage
            </Button>
          )}
        </Section>

        <Section title="The requester's form">
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor="justification-min">Justification of at least</label>
            <input
              id="justification-min"
              type="number"
              min={0}
              max={2000}
              value={def.justificationMinLength}
              onChange={(e) => patch({ justificationMinLength: Number(e.target.value) || 0 })}
              className={`${smallInput} w-20`}
            />
            characters
          </div>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor="ticket-reference">Ticket reference</label>
            <select
              id="ticket-reference"
              value={def.ticketReference}
              onChange={(e) => patch({ ticketReference: e.target.value as TemplateDefinition["ticketReference"] })}
              className={smallInput}
            >
              <option value="hidden">not asked</option>
              <option value="optional">optional</option>
              <option value="required">required</option>
            </select>
          </div>
          <FieldsEditor fields={def.fields} onChange={(fields) => patch({ fields })} />
        </Section>

        <AutomationEditor def={def} patch={patch} groups={catalog.groups} />

        <Section
          title="When approved"
          description="Approved access is outside policy: it becomes a time-bound exception and is granted through the system's adapter."
        >
          <label className="grid gap-1 text-sm">
            <span className={labelClass}>Kind of exception</span>
            <select
              value={def.exceptionType}
              onChange={(e) => setExceptionType(e.target.value as ExceptionType)}
              className={`${smallInput} justify-self-start`}
            >
              {exceptionTypes.map((t) => (
                <option key={t} value={t}>
                  {exceptionTypeLabels[t]}
                </option>
              ))}
            </select>
          </label>
          {def.exceptionType === "vendor" && (
            <RestrictionsEditor
              value={def.restrictions ?? defaultVendorRestrictions}
              onChange={(restrictions) => patch({ restrictions })}
            />
          )}
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor="grant-failure">If the grant fails</label>
            <select
              id="grant-failure"
              value={def.onGrantFailure.mode}
              onChange={(e) =>
                patch({
                  onGrantFailure: {
                    ...def.onGrantFailure,
                    mode: e.target.value as TemplateDefinition["onGrantFailure"]["mode"],
                  },
                })
              }
              className={smallInput}
            >
              <option value="retry">retry it</option>
              <option value="ignore">ignore it (log only)</option>
              <option value="block">block the approval</option>
            </select>
            {def.onGrantFailure.mode === "retry" && (
              <>
                up to
                <input
                  aria-label="Grant attempts"
                  type="number"
                  min={1}
                  max={20}
                  value={def.onGrantFailure.maxAttempts}
                  onChange={(e) =>
                    patch({ onGrantFailure: { ...def.onGrantFailure, maxAttempts: Number(e.target.value) || 1 } })
                  }
                  className={`${smallInput} w-20`}
                />
                times
              </>
            )}
          </div>
        </Section>
      </div>

      <aside className="grid content-start gap-4 lg:sticky lg:top-4">
        <NotifyPreview definition={def} templateKey={initial?.key} />
        {save.isError && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {save.error.message}
          </p>
        )}
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : initial ? "Save changes" : "Create template"}
        </Button>
        <p className="text-xs text-slate-500">
          Open requests keep the approvers they already have; new requests use the saved version.
        </p>
      </aside>
    </form>
  );
}
