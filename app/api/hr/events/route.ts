import { handleHrEvent } from "@/server/api/hr";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

export const POST = observed("hr.events", (request) => handleHrEvent(request));
