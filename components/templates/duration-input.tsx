"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatDuration } from "@/server/core/requests/template";
import { smallInput, splitDuration, units } from "./controls";

/** An amount and a unit, as minutes. */
export function DurationInput({
  id,
  minutes,
  onChange,
  label,
}: {
  id: string;
  minutes: number;
  onChange: (m: number) => void;
  label: string;
}) {
  const { amount, unit } = splitDuration(minutes);
  return (
    <span className="inline-flex items-center gap-1">
      <input
        id={id}
        aria-label={`${label}: amount`}
        type="number"
        min={1}
        value={amount}
        onChange={(e) => onChange(Math.max(1, Number(e.target.value) || 1) * unit)}
        className={`${smallInput} w-20`}
      />
      <select
        aria-label={`${label}: unit`}
        value={unit}
        onChange={(e) => onChange(amount * Number(e.target.value))}
        className={smallInput}
      >
        {units.map((u) => (
          <option key={u.minutes} value={u.minutes}>
            {u.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The durations a requester may pick, as removable chips, and a way to add one. */
export function DurationList({
  durations,
  limit,
  onChange,
}: {
  durations: number[];
  limit?: number;
  onChange: (d: number[]) => void;
}) {
  const [adding, setAdding] = useState(60);
  return (
    <div>
      <ul className="flex flex-wrap gap-2" aria-label="Durations offered">
        {durations.map((d) => (
          <li
            key={d}
            className={cn(
              "inline-flex items-center gap-1 rounded-full py-1 pr-1 pl-3 text-sm",
              limit !== undefined && d > limit ? "bg-red-100 text-red-800" : "bg-slate-100",
            )}
          >
            {formatDuration(d)}
            {limit !== undefined && d > limit && <span className="text-xs">(over the limit)</span>}
            <button
              type="button"
              aria-label={`Remove ${formatDuration(d)}`}
              className="rounded-full px-1.5 text-slate-500 hover:bg-slate-200"
              onClick={() => onChange(durations.filter((x) => x !== d))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="mt-2 flex items-center gap-2">
        <DurationInput id="add-duration" label="New duration" minutes={adding} onChange={setAdding} />
        <Button
          variant="secondary"
          onClick={() => !durations.includes(adding) && onChange([...durations, adding].sort((a, b) => a - b))}
        >
          Add duration
        </Button>
      </div>
    </div>
  );
}
