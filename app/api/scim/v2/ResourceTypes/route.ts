import { methodNotAllowed, resourceTypesDocument } from "@/server/api/scim";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return resourceTypesDocument(request);
}

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
