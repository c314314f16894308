import { Badge } from "@/components/ui/badge";
import { statusLabel, statusTone } from "./format";

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone[status] ?? "neutral"}>{statusLabel[status] ?? status}</Badge>;
}
