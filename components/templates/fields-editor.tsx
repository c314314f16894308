"use client";

import { Button } from "@/components/ui/button";
import type { Field } from "@/server/core/requests/template";
import { smallInput } from "./controls";

/** The extra inputs a requester fills in: text, dropdown, checkbox; required or not. */
export function FieldsEditor({ fields, onChange }: { fields: Field[]; onChange: (f: Field[]) => void }) {
  const set = (i: number, f: Partial<Field>) => onChange(fields.map((x, k) => (k === i ? { ...x, ...f } : x)));
  return (
    <div>
      {fields.length === 0 && <p className="text-sm text-slate-500">No extra fields.</p>}
      <ul className="grid gap-2">
        {fields.map((f, i) => (
          <li key={i} className="flex flex-wrap items-center gap-2 rounded-md bg-slate-50 p-2">
            <input
              aria-label={`Field ${i + 1}: label`}
              value={f.label}
              placeholder="Label"
              onChange={(e) => set(i, { label: e.target.value })}
              className={`${smallInput} w-48`}
            />
            <input
              aria-label={`Field ${i + 1}: key`}
              value={f.key}
              placeholder="key"
              onChange={(e) => set(i, { key: e.target.value })}
              className={`${smallInput} w-36 font-mono`}
            />
            <select
              aria-label={`Field ${i + 1}: type`}
              value={f.type}
              onChange={(e) => set(i, { type: e.target.value as Field["type"] })}
              className={smallInput}
            >
              <option value="text">text</option>
              <option value="dropdown">dropdown</option>
              <option value="checkbox">checkbox</option>
            </select>
            {f.type === "dropdown" && (
              <input
                aria-label={`Field ${i + 1}: options`}
                value={f.options.join(", ")}
                placeholder="Option A, Option B"
                onChange={(e) =>
                  set(i, {
                    options: e.target.value
                      .split(",")
                      .map((o) => o.trim())
                      .filter(Boolean),
                  })
                }
                className={`${smallInput} w-64`}
              />
            )}
            <label className="flex items-center gap-1 text-sm">
              <input type="checkbox" checked={f.required} onChange={(e) => set(i, { required: e.target.checked })} />{" "}
              required
            </label>
            <Button variant="ghost" className="text-xs" onClick={() => onChange(fields.filter((_, k) => k !== i))}>
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <Button
        variant="ghost"
        className="mt-1 text-xs"
        onClick={() =>
          onChange([
            ...fields,
            {
              key: `field_${fields.length + 1}`,
              label: "",
              type: "text",
              required: false,
              options: [],
              maxLength: 500,
            },
          ])
        }
      >
        + Add field
      </Button>
    </div>
  );
}
