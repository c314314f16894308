"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

/** A searchable list of IANA zones (a text field with suggestions), saved by `save`. */
function ZoneField({
  label,
  initial,
  zones,
  pending,
  error,
  onSave,
  children,
}: {
  label: string;
  initial: string;
  zones: string[];
  pending: boolean;
  error: string | null;
  onSave: (zone: string) => void;
  children?: React.ReactNode;
}) {
  const id = useId();
  const [zone, setZone] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave(zone.trim());
  };
  return (
    <form onSubmit={submit} className="grid max-w-md gap-2" noValidate>
      <label htmlFor={`${id}-zone`} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={`${id}-zone`}
        list={`${id}-zones`}
        value={zone}
        onChange={(e) => setZone(e.target.value)}
        placeholder="Type to search, e.g. Berlin"
        autoComplete="off"
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        className={input}
      />
      <datalist id={`${id}-zones`}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          Save time zone
        </Button>
        {children}
      </div>
    </form>
  );
}

/** The signed-in person's own zone: a zone of their choosing, or their browser's. */
export function MyTimeZonePicker({
  preferred,
  current,
  zones,
}: {
  preferred: string | null;
  current: string;
  zones: string[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.me.setTimeZone.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <ZoneField
      label="Show times in"
      initial={preferred ?? current}
      zones={zones}
      pending={save.isPending}
      error={save.error?.message ?? null}
      onSave={(timeZone) => save.mutate({ timeZone })}
    >
      <Button
        type="button"
        variant="secondary"
        disabled={save.isPending || preferred === null}
        onClick={() => save.mutate({ timeZone: null })}
      >
        Use my browser&apos;s zone
      </Button>
    </ZoneField>
  );
}

/** The organization's zone (IT admins): where given days end, and everyone's default. */
export function OrganizationTimeZonePicker({ current, zones }: { current: string; zones: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(trpc.organization.setTimeZone.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <ZoneField
      label="Zone"
      initial={current}
      zones={zones}
      pending={save.isPending}
      error={save.error?.message ?? null}
      onSave={(timeZone) => save.mutate({ timeZone })}
    >
      {save.isSuccess && <span className="self-center text-sm text-slate-600">Saved.</span>}
    </ZoneField>
  );
}
