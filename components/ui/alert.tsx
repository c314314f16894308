import type { ReactNode } from "react";
import { cn } from "./cn";

export function Alert({
  tone = "red",
  title,
  children,
}: {
  tone?: "red" | "amber" | "green";
  title: string;
  children?: ReactNode;
}) {
  const tones = {
    red: "border-red-200 bg-red-50 text-red-800",
    amber: "border-amber-200 bg-amber-50 text-amber-900",
    green: "border-emerald-200 bg-emerald-50 text-emerald-800",
  };
  return (
    <div role={tone === "red" ? "alert" : "status"} className={cn("rounded-md border px-4 py-3 text-sm", tones[tone])}>
      <p className="font-semibold">{title}</p>
      {children && <div className="mt-1">{children}</div>}
    </div>
  );
}
