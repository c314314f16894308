import type { IncomingMessage, ServerResponse } from "node:http";
import { accessToken, readBody, sendJson, sendTokenError } from "./protocol";

/**
 * The fake Microsoft Entra authority: what MSAL asks for with disableInstanceDiscovery (found by
 * logging its requests): the OpenID Connect discovery document,
 * GET /{tenant}/v2.0/.well-known/openid-configuration
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc), then the token,
 * POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials, client_id, client_secret
 * and scope={resource}/.default
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
 * The errors are Entra's: AADSTS90002 unknown tenant, AADSTS700016 unknown application,
 * AADSTS7000215 invalid_client (wrong secret, 401), AADSTS500011 unknown resource.
 */
export interface FakeApp {
  /** the fake's origin, which is also the Graph resource tokens are issued for */
  base: string;
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  /** issued access tokens and when they expire (ms) */
  tokens: Map<string, number>;
}

export const TOKEN_LIFETIME_SECONDS = 3599;

export function authorityHandler(app: FakeApp) {
  return async function authority(req: IncomingMessage, res: ServerResponse, tenant: string, what: string) {
    const { base, tenantId, tenantDomain, clientId, clientSecret, tokens } = app;
    const known = tenant === tenantId || tenant.toLowerCase() === tenantDomain;
    if (what.startsWith("v2.0")) {
      if (!known) return sendTokenError(res, 400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
      const t = `${base}/${tenantId}`;
      return sendJson(res, 200, {
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${t}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid", "ver"],
        tenant_region_scope: "EU",
        cloud_instance_name: "microsoftonline.com",
        msgraph_host: new URL(base).host,
      });
    }
    if (req.method !== "POST")
      return sendTokenError(res, 405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
    const form = new URLSearchParams(await readBody(req));
    if (!known) return sendTokenError(res, 400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
    if (form.get("grant_type") !== "client_credentials")
      return sendTokenError(res, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    if (form.get("client_id") !== clientId)
      return sendTokenError(
        res,
        400,
        "unauthorized_client",
        700016,
        `Application with identifier '${form.get("client_id")}' was not found in the directory 'Contoso'.`,
      );
    if (form.get("client_secret") !== clientSecret)
      return sendTokenError(
        res,
        401,
        "invalid_client",
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    if (form.get("scope") !== `${base}/.default`)
      return sendTokenError(
        res,
        400,
        "invalid_resource",
        500011,
        `The resource principal named ${form.get("scope")} was not found in the tenant named Contoso.`,
      );
    const now = Math.floor(Date.now() / 1000);
    const token = accessToken({
      aud: base,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
      appid: clientId,
      tid: tenantId,
      roles: ["User.Read.All", "GroupMember.Read.All"],
    });
    tokens.set(token, (now + TOKEN_LIFETIME_SECONDS) * 1000);
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store, no-cache" });
    res.end(
      JSON.stringify({
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_SECONDS,
        ext_expires_in: TOKEN_LIFETIME_SECONDS,
        access_token: token,
      }),
    );
  };
}
