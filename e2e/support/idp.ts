/**
 * A real OpenID Connect provider (the `oidc-provider` package) for the end-to-end tests,
 * started by Playwright beside the app. Anyone may "sign in" by typing an email on its own
 * small login page; whether Clearance lets them in is what the tests check.
 *
 *   IDP_PORT, IDP_CLIENT_ID, IDP_CLIENT_SECRET, APP_URL (for the redirect URI)
 */
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

const port = Number(process.env.IDP_PORT ?? 4010);
const issuer = `http://127.0.0.1:${port}`;
const appUrl = process.env.APP_URL ?? "http://localhost:3000";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "e2e", use: "sig", alg: "RS256" };

const nameFromEmail = (email: string) =>
  email
    .split("@")[0]!
    .split(/[._-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");

const configuration: Configuration = {
  clients: [
    {
      client_id: process.env.IDP_CLIENT_ID ?? "clearance-e2e",
      client_secret: process.env.IDP_CLIENT_SECRET ?? "e2e-secret",
      redirect_uris: [`${appUrl}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [jwk as never] },
  cookies: { keys: ["e2e-cookie-key"] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Auth.js reads the profile from the ID token.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  // The account id is the email, with "#unverified" when the login form's box was unticked.
  findAccount: async (_ctx, sub) => {
    const [email, flag] = sub.split("#");
    return {
      accountId: sub,
      claims: async () => ({ sub, email: email!, email_verified: flag !== "unverified", name: nameFromEmail(email!) }),
    };
  },
  // A first-party test client: consent is implied.
  loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client!.clientId,
      accountId: ctx.oidc.session!.accountId,
    });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
};

const provider = new Provider(issuer, configuration);

const page = (uid: string) => `<!doctype html><html><head><title>Test IdP sign-in</title></head>
<body style="font-family: system-ui; max-width: 24rem; margin: 4rem auto">
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}/login">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" required autofocus style="display:block;width:100%;margin:.5rem 0 1rem">
  <label style="display:block;margin-bottom:1rem"><input type="checkbox" name="verified" checked> Email verified</label>
  <button type="submit">Sign in</button>
</form></body></html>`;

const readForm = (req: http.IncomingMessage) =>
  new Promise<URLSearchParams>((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => resolve(new URLSearchParams(body)));
  });

const oidc = provider.callback();
http
  .createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const login = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    try {
      if (login && req.method === "GET" && !login[2]) {
        const details = await provider.interactionDetails(req, res);
        res.writeHead(200, { "content-type": "text/html" }).end(page(details.uid));
        return;
      }
      if (login && req.method === "POST" && login[2]) {
        const form = await readForm(req);
        const email = form.get("email")?.trim().toLowerCase() ?? "";
        const accountId = form.get("verified") ? email : `${email}#unverified`;
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
    } catch (err) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`interaction failed: ${(err as Error).message}`);
      return;
    }
    oidc(req, res);
  })
  .listen(port, "127.0.0.1", () => console.log(`test IdP listening at ${issuer}`));
