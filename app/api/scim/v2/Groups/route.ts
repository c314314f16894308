import { methodNotAllowed } from "@/server/api/scim";
import { createGroup, listGroups } from "@/server/api/scim-groups";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

export const GET = observed("scim.groups.list", (request) => listGroups(request));

export const POST = observed("scim.groups.create", (request) => createGroup(request));

export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
