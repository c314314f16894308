"use client";

import { useState } from "react";
import type { TemplateRestrictions } from "@/server/core/requests/template";
import { labelClass, smallInput } from "./controls";
import { DurationInput } from "./duration-input";

/** Seed 000's vendor restrictions, as a new vendor template starts: MFA, 8-hour sessions, the requester names the IP ranges. */
export const defaultVendorRestrictions: TemplateRestrictions = {
  ipAllowList: [],
  requesterSuppliesIpAllowList: true,
  mfaRequired: true,
  sessionMinutes: 8 * 60,
  maxSessions: null,
};

/** What a vendor template imposes on the access it gives; the server says which are required. */
export function RestrictionsEditor({
  value,
  onChange,
}: {
  value: TemplateRestrictions;
  onChange: (r: TemplateRestrictions) => void;
}) {
  const set = (p: Partial<TemplateRestrictions>) => onChange({ ...value, ...p });
  // The ranges as typed (separators included); the list is what they parse to.
  const [ranges, setRanges] = useState(value.ipAllowList.join("\n"));
  const [ipMode, setIpMode] = useState<"none" | "requester" | "fixed">(
    value.requesterSuppliesIpAllowList ? "requester" : value.ipAllowList.length ? "fixed" : "none",
  );
  const chooseIpMode = (mode: typeof ipMode) => {
    setIpMode(mode);
    const list = mode === "fixed" ? ranges.split(/[\s,]+/).filter(Boolean) : [];
    set({ ipAllowList: list, requesterSuppliesIpAllowList: mode === "requester" });
  };
  return (
    <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3">
      <legend className={`${labelClass} px-1`}>Vendor restrictions</legend>
      <p className="text-xs text-slate-500">
        Required for vendor access: MFA or an IP allow list (or both), and a session duration. Approvers see them;
        adapters enforce what their system can.
      </p>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={value.mfaRequired} onChange={(e) => set({ mfaRequired: e.target.checked })} />{" "}
        MFA required
      </label>
      <div className="grid gap-1 text-sm" role="radiogroup" aria-label="IP allow list">
        <span className="font-medium text-slate-800">IP allow list</span>
        <label className="flex items-center gap-2">
          <input type="radio" name="ip-allow-list" checked={ipMode === "none"} onChange={() => chooseIpMode("none")} />{" "}
          None
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name="ip-allow-list"
            checked={ipMode === "requester"}
            onChange={() => chooseIpMode("requester")}
          />{" "}
          The requester names the vendor&apos;s ranges on the form
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name="ip-allow-list"
            checked={ipMode === "fixed"}
            onChange={() => chooseIpMode("fixed")}
          />{" "}
          These ranges:
        </label>
        {ipMode === "fixed" && (
          <textarea
            aria-label="Allowed IP ranges"
            rows={2}
            value={ranges}
            placeholder="203.0.113.0/24, one per line"
            onChange={(e) => {
              setRanges(e.target.value);
              set({ ipAllowList: e.target.value.split(/[\s,]+/).filter(Boolean) });
            }}
            className={`${smallInput} ml-6 font-mono`}
          />
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={value.sessionMinutes !== null}
            onChange={(e) => set({ sessionMinutes: e.target.checked ? 8 * 60 : null })}
          />{" "}
          Sessions end after
        </label>
        {value.sessionMinutes !== null && (
          <DurationInput
            id="session-duration"
            label="Session duration"
            minutes={value.sessionMinutes}
            onChange={(sessionMinutes) => set({ sessionMinutes })}
          />
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor="max-sessions">At most</label>
        <input
          id="max-sessions"
          type="number"
          min={1}
          max={100}
          value={value.maxSessions ?? ""}
          placeholder="any"
          onChange={(e) => set({ maxSessions: e.target.value ? Math.max(1, Number(e.target.value)) : null })}
          className={`${smallInput} w-20`}
        />
        sessions at once <span className="text-xs text-slate-500">(optional)</span>
      </div>
    </fieldset>
  );
}
