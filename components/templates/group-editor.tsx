"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { isActiveStatus } from "@/server/core/identity/status";
import { inputClass, labelClass } from "./controls";

interface Group {
  key: string;
  name: string;
  description: string;
  members: { email: string; displayName: string; status: string }[];
}

/** One approver group: members by email, one per line, in order. `null` makes a new group. */
export function GroupEditor({ group }: { group: Group | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState(group === null);
  const [key, setKey] = useState(group?.key ?? "");
  const [name, setName] = useState(group?.name ?? "");
  const [emails, setEmails] = useState(group?.members.map((m) => m.email).join("\n") ?? "");
  const id = group?.key ?? "new";
  const save = useMutation(
    trpc.templates.saveGroup.mutationOptions({
      onSuccess: () => {
        if (group) setEditing(false);
        else {
          setKey("");
          setName("");
          setEmails("");
        }
        router.refresh();
      },
    }),
  );
  return (
    <Card
      title={group ? group.name : "New group"}
      description={group ? <span className="font-mono">{group.key}</span> : undefined}
      actions={
        group && !editing ? (
          <Button variant="ghost" className="text-xs" onClick={() => setEditing(true)}>
            Edit
          </Button>
        ) : undefined
      }
    >
      {!editing && group ? (
        <ol className="grid gap-1 text-sm">
          {group.members.map((m) => (
            <li key={m.email} className="flex items-center justify-between gap-2">
              <span>
                {m.displayName} <span className="text-slate-500">{m.email}</span>
              </span>
              {!isActiveStatus(m.status) && <Badge tone="red">{m.status}: never asked</Badge>}
            </li>
          ))}
          {group.members.length === 0 && <li className="text-slate-500">No members.</li>}
        </ol>
      ) : (
        <form
          className="grid gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({
              key,
              name,
              description: group?.description ?? "",
              memberEmails: emails.split(/[\s,;]+/).filter(Boolean),
            });
          }}
        >
          {!group && (
            <div>
              <label htmlFor={`group-${id}-key`} className={labelClass}>
                Key
              </label>
              <input
                id={`group-${id}-key`}
                value={key}
                onChange={(e) => setKey(e.target.value)}
                className={`${inputClass} font-mono`}
                placeholder="data-owners"
              />
            </div>
          )}
          <div>
            <label htmlFor={`group-${id}-name`} className={labelClass}>
              Name
            </label>
            <input
              id={`group-${id}-name`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor={`group-${id}-members`} className={labelClass}>
              Members (emails, one per line, in order)
            </label>
            <textarea
              id={`group-${id}-members`}
              rows={4}
              value={emails}
              onChange={(e) => setEmails(e.target.value)}
              className={`${inputClass} font-mono`}
            />
          </div>
          {save.isError && (
            <p role="alert" className="text-sm text-red-700">
              {save.error.message}
            </p>
          )}
          <div className="flex gap-2">
            <Button type="submit" disabled={save.isPending}>
              {group ? "Save group" : "Create group"}
            </Button>
            {group && (
              <Button variant="ghost" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            )}
          </div>
        </form>
      )}
    </Card>
  );
}
