import { handleMetrics } from "@/server/api/operations";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handleMetrics(request);
}
