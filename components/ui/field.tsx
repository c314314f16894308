import type { ReactNode } from "react";

/** The input class every form shares. */
export const inputClasses = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";

/** A labelled form field with an optional hint below it. */
export function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
      {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}

/** A form's error, announced to screen readers. */
export function Problem({ message }: { message: string | undefined | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}
