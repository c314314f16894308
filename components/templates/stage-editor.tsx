"use client";

import { Button } from "@/components/ui/button";
import type { ApproverRef, Stage } from "@/server/core/requests/template";
import { notificationPolicies } from "@/server/core/requests/template";
import { DurationInput } from "./duration-input";
import { labelClass, smallInput } from "./controls";

const policyLabels: Record<(typeof notificationPolicies)[number], string> = {
  all: "everyone",
  first_n: "the first N",
  random_n: "N at random",
  round_robin: "one in turn (round robin)",
};

/** One approval stage: who approves, how many must, who is told, and where it escalates. */
export function StageEditor({
  index,
  stage,
  groups,
  onChange,
  onRemove,
}: {
  index: number;
  stage: Stage;
  groups: { key: string; name: string }[];
  onChange: (s: Stage) => void;
  onRemove?: () => void;
}) {
  const id = (part: string) => `stage-${index}-${part}`;
  const setApprover = (i: number, a: ApproverRef) =>
    onChange({ ...stage, approvers: stage.approvers.map((x, k) => (k === i ? a : x)) });
  return (
    <fieldset className="rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold">Stage {index + 1}</legend>
      <div className="grid gap-3">
        <div className="flex items-end gap-2">
          <div className="flex-1">
            <label htmlFor={id("name")} className={labelClass}>
              Name
            </label>
            <input
              id={id("name")}
              value={stage.name}
              onChange={(e) => onChange({ ...stage, name: e.target.value })}
              className={`${smallInput} mt-1 w-full`}
            />
          </div>
          {onRemove && (
            <Button variant="ghost" onClick={onRemove}>
              Remove stage
            </Button>
          )}
        </div>
        <div>
          <p className={labelClass}>Approvers</p>
          <ul className="mt-1 grid gap-2">
            {stage.approvers.map((a, i) => (
              <li key={i} className="flex flex-wrap items-center gap-2">
                <select
                  aria-label={`Stage ${index + 1} approver ${i + 1}: kind`}
                  value={a.kind}
                  onChange={(e) => {
                    const kind = e.target.value as ApproverRef["kind"];
                    setApprover(
                      i,
                      kind === "person"
                        ? { kind, email: "" }
                        : kind === "group"
                          ? { kind, group: groups[0]?.key ?? "" }
                          : { kind },
                    );
                  }}
                  className={smallInput}
                >
                  <option value="person">a person</option>
                  <option value="group">a group</option>
                  <option value="manager">the requester&apos;s manager</option>
                  <option value="resource_owner">the resource owner</option>
                </select>
                {a.kind === "person" && (
                  <input
                    aria-label={`Stage ${index + 1} approver ${i + 1}: email`}
                    type="email"
                    value={a.email}
                    placeholder="cfo@company.com"
                    onChange={(e) => setApprover(i, { kind: "person", email: e.target.value })}
                    className={`${smallInput} w-64`}
                  />
                )}
                {a.kind === "group" && (
                  <select
                    aria-label={`Stage ${index + 1} approver ${i + 1}: group`}
                    value={a.group}
                    onChange={(e) => setApprover(i, { kind: "group", group: e.target.value })}
                    className={smallInput}
                  >
                    {groups.map((g) => (
                      <option key={g.key} value={g.key}>
                        {g.name}
                      </option>
                    ))}
                  </select>
                )}
                {stage.approvers.length > 1 && (
                  <Button
                    variant="ghost"
                    className="text-xs"
                    onClick={() => onChange({ ...stage, approvers: stage.approvers.filter((_, k) => k !== i) })}
                  >
                    Remove
                  </Button>
                )}
              </li>
            ))}
          </ul>
          <Button
            variant="ghost"
            className="mt-1 text-xs"
            onClick={() => onChange({ ...stage, approvers: [...stage.approvers, { kind: "manager" }] })}
          >
            + Add approver
          </Button>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label htmlFor={id("threshold")}>Decided by</label>
          <select
            id={id("threshold")}
            value={stage.threshold.kind === "any" ? "any" : "count"}
            onChange={(e) =>
              onChange({ ...stage, threshold: e.target.value === "any" ? { kind: "any" } : { kind: "count", n: 2 } })
            }
            className={smallInput}
          >
            <option value="any">any one approver</option>
            <option value="count">N distinct approvers</option>
          </select>
          {stage.threshold.kind === "count" && (
            <input
              aria-label={`Stage ${index + 1}: approvals needed`}
              type="number"
              min={1}
              max={10}
              value={stage.threshold.n}
              onChange={(e) => onChange({ ...stage, threshold: { kind: "count", n: Number(e.target.value) || 1 } })}
              className={`${smallInput} w-16`}
            />
          )}
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label htmlFor={id("notify")}>Tell</label>
          <select
            id={id("notify")}
            value={stage.notify.policy}
            onChange={(e) =>
              onChange({ ...stage, notify: { ...stage.notify, policy: e.target.value as Stage["notify"]["policy"] } })
            }
            className={smallInput}
          >
            {notificationPolicies.map((p) => (
              <option key={p} value={p}>
                {policyLabels[p]}
              </option>
            ))}
          </select>
          {(stage.notify.policy === "first_n" || stage.notify.policy === "random_n") && (
            <input
              aria-label={`Stage ${index + 1}: how many to tell`}
              type="number"
              min={1}
              max={50}
              value={stage.notify.count}
              onChange={(e) => onChange({ ...stage, notify: { ...stage.notify, count: Number(e.target.value) || 1 } })}
              className={`${smallInput} w-16`}
            />
          )}
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={stage.escalation !== null}
              onChange={(e) =>
                onChange({
                  ...stage,
                  escalation: e.target.checked ? { afterMinutes: 24 * 60, toGroup: groups[0]?.key ?? "" } : null,
                })
              }
            />
            Escalate when nobody decides within
          </label>
          {stage.escalation && (
            <>
              <DurationInput
                id={id("escalate-after")}
                label={`Stage ${index + 1} escalation`}
                minutes={stage.escalation.afterMinutes}
                onChange={(m) => onChange({ ...stage, escalation: { ...stage.escalation!, afterMinutes: m } })}
              />
              <span>to</span>
              <select
                aria-label={`Stage ${index + 1}: escalation group`}
                value={stage.escalation.toGroup}
                onChange={(e) => onChange({ ...stage, escalation: { ...stage.escalation!, toGroup: e.target.value } })}
                className={smallInput}
              >
                {groups.map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.name}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
      </div>
    </fieldset>
  );
}
