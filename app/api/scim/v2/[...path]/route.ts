import { methodNotAllowed, searchUsers, unknownEndpoint } from "@/server/api/scim";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ path: string[] }> };

/**
 * Every other path under /api/scim/v2 answers as SCIM does (RFC 7644 §3.12), never with the
 * portal's HTML page: 404 with a SCIM error, and POST /.search (RFC 7644 §3.4.3), which searches
 * the one resource type there is (Users).
 */
const isRootSearch = async ({ params }: Params) => {
  const { path } = await params;
  return path.length === 1 && path[0] === ".search";
};

export const GET = async (request: Request, context: Params) =>
  (await isRootSearch(context)) ? methodNotAllowed(["POST"])() : unknownEndpoint(request);

export const POST = observed("scim.search", async (request, context: Params) =>
  (await isRootSearch(context)) ? searchUsers(request) : unknownEndpoint(request),
);

export const PUT = async (request: Request) => unknownEndpoint(request);
export const PATCH = PUT;
export const DELETE = PUT;
