"use client";

import type { AutoApproval, TemplateDefinition } from "@/server/core/requests/template";
import { smallInput } from "./controls";
import { Section } from "./editor-section";

/** Auto-approval rules, and when an undecided request expires and approvers are reminded. */
export function AutomationEditor({
  def,
  patch,
  groups,
}: {
  def: TemplateDefinition;
  patch: (p: Partial<TemplateDefinition>) => void;
  groups: { key: string; name: string }[];
}) {
  const setAuto = (rules: AutoApproval[]) => patch({ autoApproval: rules });
  return (
    <Section
      title="Automation"
      description="Auto-approval says why it approved; it never approves access outside policy unless you allow it below."
    >
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={def.autoApproval.some((r) => r.kind === "requester_in_group")}
          onChange={(e) =>
            setAuto(
              e.target.checked
                ? [...def.autoApproval, { kind: "requester_in_group", group: groups[0]?.key ?? "" }]
                : def.autoApproval.filter((r) => r.kind !== "requester_in_group"),
            )
          }
        />
        Approve at once when the requester is in a group
      </label>
      {def.autoApproval.map((r, i) =>
        r.kind === "requester_in_group" ? (
          <select
            key={i}
            aria-label="Auto-approval group"
            value={r.group}
            onChange={(e) =>
              setAuto(
                def.autoApproval.map((x, k) => (k === i ? { kind: "requester_in_group", group: e.target.value } : x)),
              )
            }
            className={`${smallInput} ml-6 justify-self-start`}
          >
            {groups.map((g) => (
              <option key={g.key} value={g.key}>
                {g.name}
              </option>
            ))}
          </select>
        ) : null,
      )}
      <label className="flex flex-wrap items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={def.autoApproval.some((r) => r.kind === "role_transition")}
          onChange={(e) =>
            setAuto(
              e.target.checked
                ? [...def.autoApproval, { kind: "role_transition", withinDays: 30 }]
                : def.autoApproval.filter((r) => r.kind !== "role_transition"),
            )
          }
        />
        Approve at once during a role transition (job title or department changed in the last 30 days)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={def.autoApproveOutsidePolicy}
          onChange={(e) => patch({ autoApproveOutsidePolicy: e.target.checked })}
        />
        Auto-approval may approve access outside the requester&apos;s policy
      </label>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="pending-expiry">An undecided request expires after</label>
        <input
          id="pending-expiry"
          type="number"
          min={1}
          max={90}
          value={def.pendingExpiryDays}
          onChange={(e) => patch({ pendingExpiryDays: Number(e.target.value) || 1 })}
          className={`${smallInput} w-20`}
        />
        days; approvers are reminded every
        <input
          aria-label="Reminder interval in hours"
          type="number"
          min={1}
          max={336}
          value={def.reminderAfterHours}
          onChange={(e) => patch({ reminderAfterHours: Number(e.target.value) || 1 })}
          className={`${smallInput} w-20`}
        />
        hours
      </div>
    </Section>
  );
}
