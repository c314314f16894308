"use client";

/** A labelled drop-down filter; the empty choice ("All ...") means no filter. Options show their label where one is given. */
export function SelectFilter({
  id,
  label,
  allLabel,
  value,
  options,
  labels,
  onChange,
}: {
  id: string;
  label: string;
  allLabel: string;
  value: string | undefined;
  options: readonly string[] | undefined;
  labels?: Readonly<Record<string, string>> | ((value: string) => string);
  onChange: (value: string | undefined) => void;
}) {
  return (
    <div>
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      <select
        id={id}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
        className="mt-1 block rounded-md border border-slate-300 px-2 py-2 text-sm"
      >
        <option value="">{allLabel}</option>
        {options?.map((o) => (
          <option key={o} value={o}>
            {typeof labels === "function" ? labels(o) : (labels?.[o] ?? o)}
          </option>
        ))}
      </select>
    </div>
  );
}
