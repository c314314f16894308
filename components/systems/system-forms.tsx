"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, inputClasses, Problem } from "@/components/ui/field";
import { adapterExamples, AdapterFields, useAdapterSettings, WithoutTest } from "./adapter-form";

const input = inputClasses;
const levelsOf = (text: string) =>
  text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

/** Name, description and the ordered access levels, shared by the new-system and edit forms. */
function Described({
  state,
  set,
}: {
  state: { name: string; description: string; levels: string };
  set: (patch: Partial<{ name: string; description: string; levels: string }>) => void;
}) {
  return (
    <>
      <Field id="system-name" label="Name">
        <input
          id="system-name"
          required
          maxLength={100}
          value={state.name}
          onChange={(e) => set({ name: e.target.value })}
          className={input}
        />
      </Field>
      <Field id="system-description" label="Description">
        <input
          id="system-description"
          maxLength={500}
          value={state.description}
          onChange={(e) => set({ description: e.target.value })}
          className={input}
        />
      </Field>
      <Field id="system-levels" label="Access levels, lowest first" hint="One per line, e.g. viewer, editor, admin.">
        <textarea
          id="system-levels"
          required
          rows={3}
          value={state.levels}
          onChange={(e) => set({ levels: e.target.value })}
          className={`${input} font-mono`}
        />
      </Field>
    </>
  );
}

/** Add a system: its key and levels, its adapter with a connection test, then its page. */
export function NewSystemForm({ kinds }: { kinds: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [key, setKey] = useState("");
  const [described, setDescribed] = useState({ name: "", description: "", levels: "member\nadmin" });
  const settings = useAdapterSettings({ kind: "manual", config: adapterExamples.manual! });
  const [withoutTest, setWithoutTest] = useState(false);
  const add = useMutation(trpc.systems.add.mutationOptions({ onSuccess: (r) => router.push(`/systems/${r.key}`) }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const adapterConfig = settings.parsed();
    if (!adapterConfig) return;
    add.mutate({
      key: key.trim(),
      name: described.name,
      description: described.description,
      accessLevels: levelsOf(described.levels),
      adapterKind: settings.kind,
      adapterConfig,
      withoutConnectionTest: withoutTest,
    });
  };
  return (
    <form onSubmit={onSubmit} className="grid max-w-2xl gap-4" aria-label="New system">
      <Field
        id="system-key"
        label="Key"
        hint="Lowercase letters, digits and -; resources are named key:type:name (google:group:finance). It cannot change later."
      >
        <input
          id="system-key"
          required
          maxLength={40}
          pattern="[a-z][a-z0-9-]*"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          className={`${input} font-mono`}
        />
      </Field>
      <Described state={described} set={(patch) => setDescribed((d) => ({ ...d, ...patch }))} />
      <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-xs font-medium text-slate-600">How Clearance reaches it</legend>
        <AdapterFields systemKey={key.trim()} kinds={kinds} settings={settings} />
        <WithoutTest checked={withoutTest} onChange={setWithoutTest} />
      </fieldset>
      <Problem message={add.error?.message} />
      <div>
        <Button type="submit" disabled={add.isPending}>
          {add.isPending ? "Testing and adding…" : "Add system"}
        </Button>
      </div>
    </form>
  );
}

/** Rename a system, describe it, and change its levels (a level open access uses cannot go). */
export function EditSystemForm({
  systemKey,
  name,
  description,
  accessLevels,
}: {
  systemKey: string;
  name: string;
  description: string;
  accessLevels: string[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [described, setDescribed] = useState({ name, description, levels: accessLevels.join("\n") });
  const save = useMutation(trpc.systems.edit.mutationOptions({ onSuccess: () => router.refresh() }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      systemKey,
      name: described.name,
      description: described.description,
      accessLevels: levelsOf(described.levels),
    });
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-3" aria-label="System details">
      <Described state={described} set={(patch) => setDescribed((d) => ({ ...d, ...patch }))} />
      <Problem message={save.error?.message} />
      {save.isSuccess && <p className="text-sm text-emerald-700">Saved.</p>}
      <div>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save details"}
        </Button>
      </div>
    </form>
  );
}

/** Retire a system once nothing lives on it; asks for a reason and confirmation. */
export function RetireSystem({ systemKey, name }: { systemKey: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const retire = useMutation(
    trpc.systems.retire.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  return (
    <div className="grid gap-2">
      <p className="text-sm text-slate-600">
        A retired system keeps its history in reports and the audit trail; its adapter is no longer called and policies
        can no longer name it. Remove its resources and end its access first.
      </p>
      <div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Retire {name}…
        </Button>
      </div>
      <ConfirmDialog
        open={open}
        title={`Retire ${name}?`}
        confirmLabel="Retire"
        tone="danger"
        busy={retire.isPending}
        confirmDisabled={reason.trim().length < 10}
        onConfirm={() => retire.mutate({ systemKey, reason })}
        onCancel={() => {
          setOpen(false);
          retire.reset();
        }}
      >
        <label htmlFor="retire-reason" className="text-xs font-medium text-slate-600">
          Why (at least 10 characters; kept in the audit trail)
        </label>
        <textarea
          id="retire-reason"
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className={input}
        />
        <div className="mt-2">
          <Problem message={retire.error?.message} />
        </div>
      </ConfirmDialog>
    </div>
  );
}
