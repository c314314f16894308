"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";

/** The attributes IT usually knows of someone HR has not sent yet; policies read them like HR's. */
const attributeFields = [
  { key: "department", label: "Department" },
  { key: "job_title", label: "Job title" },
  { key: "location", label: "Location" },
  { key: "employment_type", label: "Employment type", hint: "FTE, Contractor, Intern, …" },
  { key: "manager", label: "Manager's email" },
] as const;

/** IT adds a person by hand; an HR or SCIM source that later sends the same email takes them over. */
export function AddPersonForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState<Record<string, string>>({});
  const set = (key: string, value: string) => setValues((v) => ({ ...v, [key]: value }));
  const add = useMutation(
    trpc.identities.addByHand.mutationOptions({ onSuccess: (person) => router.push(`/identities/${person.id}`) }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const attributes = Object.fromEntries(
      attributeFields.flatMap(({ key }) => (values[key]?.trim() ? [[key, values[key]!.trim()]] : [])),
    );
    add.mutate({
      email: (values.email ?? "").trim(),
      displayName: values.displayName ?? "",
      externalId: values.externalId?.trim() || null,
      attributes,
      reason: values.reason ?? "",
    });
  };
  const field = (key: string, label: string, opts: { required?: boolean; type?: string; hint?: string } = {}) => (
    <div key={key}>
      <label htmlFor={`person-${key}`} className="text-xs font-medium text-slate-600">
        {label}
        {opts.required ? "" : " (optional)"}
      </label>
      <input
        id={`person-${key}`}
        type={opts.type ?? "text"}
        required={opts.required}
        value={values[key] ?? ""}
        onChange={(e) => set(key, e.target.value)}
        className={input}
      />
      {opts.hint && <p className="mt-1 text-xs text-slate-500">{opts.hint}</p>}
    </div>
  );
  return (
    <form onSubmit={onSubmit} className="grid max-w-2xl gap-4" aria-label="New person">
      <div className="grid gap-4 sm:grid-cols-2">
        {field("email", "Email", { required: true, type: "email" })}
        {field("displayName", "Name", { required: true })}
      </div>
      {field("externalId", "HR user id", {
        hint: "When you know the id HR will use; otherwise the email stands in until a source sends them.",
      })}
      <div className="grid gap-4 sm:grid-cols-2">
        {attributeFields.map((a) => field(a.key, a.label, { hint: "hint" in a ? a.hint : undefined }))}
      </div>
      <div>
        <label htmlFor="person-reason" className="text-xs font-medium text-slate-600">
          Why by hand (kept in the audit trail)
        </label>
        <textarea
          id="person-reason"
          required
          rows={2}
          value={values.reason ?? ""}
          onChange={(e) => set("reason", e.target.value)}
          className={input}
        />
      </div>
      {add.isError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {add.error.message}
        </p>
      )}
      <div>
        <Button type="submit" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add person"}
        </Button>
      </div>
    </form>
  );
}
