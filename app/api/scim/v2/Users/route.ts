import { createUser, listUsers, methodNotAllowed } from "@/server/api/scim";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

export const GET = observed("scim.users.list", (request) => listUsers(request));

export const POST = observed("scim.users.create", (request) => createUser(request));

export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
