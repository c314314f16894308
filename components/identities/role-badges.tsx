import { Badge } from "@/components/ui/badge";
import { roleLabels, type PortalRole } from "@/server/core/roles";

export function RoleBadges({ roles }: { roles: readonly PortalRole[] }) {
  return (
    <div className="flex flex-wrap justify-end gap-1">
      {roles.map((r) => (
        <Badge key={r} tone="brand">
          {roleLabels[r]}
        </Badge>
      ))}
    </div>
  );
}
