import { createUser, listUsers } from "@/server/api/scim";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

export const GET = observed("scim.users.list", (request) => listUsers(request));

export const POST = observed("scim.users.create", (request) => createUser(request));
