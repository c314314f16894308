import { describeRestrictions, storedRestrictions } from "@/server/core/exceptions/restrictions";
import { cn } from "@/components/ui/cn";

/** A vendor exception's (or request's) restrictions as approvers and IT read them; nothing when there are none. */
export function RestrictionsSummary({ restrictions, className }: { restrictions: unknown; className?: string }) {
  const terms = describeRestrictions(storedRestrictions(restrictions));
  if (terms.length === 0) return null;
  return (
    <ul className={cn("flex flex-wrap gap-1.5", className)} aria-label="Restrictions">
      {terms.map((term) => (
        <li
          key={term}
          className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200 ring-inset"
        >
          {term}
        </li>
      ))}
    </ul>
  );
}
