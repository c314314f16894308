import { handleHealth } from "@/server/api/operations";

export const dynamic = "force-dynamic";

export function GET() {
  return handleHealth();
}
