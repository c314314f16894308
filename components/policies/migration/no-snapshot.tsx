import { EmptyState } from "@/components/ui/empty-state";

/** What to do before patterns and coverage can say anything. */
export function NoSnapshot() {
  return (
    <EmptyState title="No snapshot imported yet">
      Export current access from each system as CSV (a username or email, the resource, and the level) and import it
      above, one system at a time. Patterns and coverage are computed from it.
    </EmptyState>
  );
}
