import { otherScimPath } from "@/server/api/scim";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ path?: string[] }> };

// Any path under /api/scim/v2 that no other route has, the bare base too: see otherScimPath.
const other = async (request: Request, { params }: Params) => otherScimPath(request, (await params).path ?? []);

export const GET = other;
export const PUT = other;
export const PATCH = other;
export const DELETE = other;
export const POST = observed("scim.other", other);
