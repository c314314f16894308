import { handleHrEvent } from "@/server/api/hr";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleHrEvent(request);
}
