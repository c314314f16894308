"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Field, inputClasses, Problem } from "@/components/ui/field";

export const sensitivities = ["low", "medium", "high", "critical"] as const;
type Sensitivity = (typeof sensitivities)[number];

export interface ResourceValues {
  type: string;
  name: string;
  displayName: string;
  description: string;
  sensitivity: Sensitivity;
  requestable: boolean;
  defaultTemplateKey: string | null;
  ownerEmails: string[];
}

const emailsOf = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((e) => e.trim())
    .filter(Boolean);

/**
 * Adds a resource to a system's catalog, or edits one (type and name are then fixed: they are
 * its key in the system). Owners are emails, one or more.
 */
export function ResourceForm({
  systemKey,
  forms,
  initial,
  onDone,
}: {
  systemKey: string;
  forms: { key: string; name: string }[];
  initial?: ResourceValues;
  onDone?: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const editing = Boolean(initial);
  const blank: ResourceValues = {
    type: "group",
    name: "",
    displayName: "",
    description: "",
    sensitivity: "medium",
    requestable: true,
    defaultTemplateKey: null,
    ownerEmails: [],
  };
  const [values, setValues] = useState<ResourceValues>(initial ?? blank);
  const [owners, setOwners] = useState((initial?.ownerEmails ?? []).join(", "));
  const set = (patch: Partial<ResourceValues>) => setValues((v) => ({ ...v, ...patch }));
  const done = () => {
    if (!editing) {
      setValues(blank);
      setOwners("");
    }
    router.refresh();
    onDone?.();
  };
  const add = useMutation(trpc.resources.add.mutationOptions({ onSuccess: done }));
  const edit = useMutation(trpc.resources.edit.mutationOptions({ onSuccess: done }));
  const saving = editing ? edit : add;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    saving.mutate({
      systemKey,
      type: values.type,
      name: values.name,
      displayName: values.displayName,
      description: values.description,
      sensitivity: values.sensitivity,
      requestable: values.requestable,
      defaultTemplateKey: values.defaultTemplateKey,
      ownerEmails: emailsOf(owners),
    });
  };
  const id = (field: string) => `resource-${editing ? `${values.name}-` : ""}${field}`;
  return (
    <form onSubmit={onSubmit} className="grid gap-3" aria-label={editing ? `Edit ${values.name}` : "Add a resource"}>
      {!editing && (
        <div className="grid grid-cols-[8rem_minmax(0,1fr)] gap-3">
          <Field id={id("type")} label="Type" hint="group, role…">
            <input
              id={id("type")}
              required
              maxLength={40}
              value={values.type}
              onChange={(e) => set({ type: e.target.value })}
              className={`${inputClasses} font-mono`}
            />
          </Field>
          <Field id={id("name")} label="Name in the system" hint={`The key will be ${systemKey}:type:name.`}>
            <input
              id={id("name")}
              required
              maxLength={200}
              value={values.name}
              onChange={(e) => set({ name: e.target.value })}
              className={`${inputClasses} font-mono`}
            />
          </Field>
        </div>
      )}
      <Field id={id("display")} label="Display name" hint="What people read in the catalog; the name when empty.">
        <input
          id={id("display")}
          maxLength={200}
          value={values.displayName}
          onChange={(e) => set({ displayName: e.target.value })}
          className={inputClasses}
        />
      </Field>
      <Field id={id("description")} label="Description">
        <input
          id={id("description")}
          maxLength={1000}
          value={values.description}
          onChange={(e) => set({ description: e.target.value })}
          className={inputClasses}
        />
      </Field>
      <Field
        id={id("owners")}
        label="Owners"
        hint="Emails, separated by commas. Owners approve requests that ask for them."
      >
        <input id={id("owners")} value={owners} onChange={(e) => setOwners(e.target.value)} className={inputClasses} />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field id={id("sensitivity")} label="Sensitivity">
          <select
            id={id("sensitivity")}
            value={values.sensitivity}
            onChange={(e) => set({ sensitivity: e.target.value as Sensitivity })}
            className={inputClasses}
          >
            {sensitivities.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id("form")} label="Default request form">
          <select
            id={id("form")}
            value={values.defaultTemplateKey ?? ""}
            onChange={(e) => set({ defaultTemplateKey: e.target.value || null })}
            className={inputClasses}
          >
            <option value="">None</option>
            {forms.map((f) => (
              <option key={f.key} value={f.key}>
                {f.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" checked={values.requestable} onChange={(e) => set({ requestable: e.target.checked })} />
        People may ask for it in the portal
      </label>
      <Problem message={saving.error?.message} />
      <div className="flex gap-2">
        <Button type="submit" disabled={saving.isPending}>
          {saving.isPending ? "Saving…" : editing ? "Save" : "Add resource"}
        </Button>
        {onDone && (
          <Button type="button" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
