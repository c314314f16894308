"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { RemoveResource } from "./remove-resource";
import { ResourceForm, type ResourceValues } from "./resource-form";

export type CatalogResource = ResourceValues & { key: string; openExceptions: number };

const tone = { low: "neutral", medium: "neutral", high: "amber", critical: "red" } as const;

/** A system's resources, each with its owners and an Edit that opens the form in place. */
export function ResourceList({
  systemKey,
  resources,
  forms,
  editable,
}: {
  systemKey: string;
  resources: CatalogResource[];
  forms: { key: string; name: string }[];
  editable: boolean;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  if (resources.length === 0)
    return (
      <EmptyState title="No resources yet">Add one by hand, import a CSV, or discover what the system has.</EmptyState>
    );
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Resources">
      {resources.map((r) => (
        <li key={r.key} className="py-3">
          {editing === r.key ? (
            <ResourceForm systemKey={systemKey} forms={forms} initial={r} onDone={() => setEditing(null)} />
          ) : (
            <div className="flex flex-wrap items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="font-medium text-slate-900">{r.displayName || r.name}</p>
                <p className="font-mono text-xs break-all text-slate-600">{r.key}</p>
                {r.description && <p className="text-slate-700">{r.description}</p>}
                <p className="mt-1 text-xs text-slate-600">
                  Owners: {r.ownerEmails.length ? r.ownerEmails.join(", ") : "none"}
                  {r.defaultTemplateKey && ` · form: ${r.defaultTemplateKey}`}
                  {r.openExceptions > 0 && ` · ${r.openExceptions} open exception${r.openExceptions === 1 ? "" : "s"}`}
                </p>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={tone[r.sensitivity]}>{r.sensitivity}</Badge>
                {!r.requestable && <Badge>not requestable</Badge>}
                {editable && (
                  <>
                    <Button
                      type="button"
                      variant="secondary"
                      onClick={() => setEditing(r.key)}
                      aria-label={`Edit ${r.key}`}
                    >
                      Edit
                    </Button>
                    <RemoveResource resourceKey={r.key} />
                  </>
                )}
              </div>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
