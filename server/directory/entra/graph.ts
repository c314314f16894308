import type { ClientSecretCredential } from "@azure/identity";
import {
  AuthenticationHandler,
  Client,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
  type Context,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import { AdapterError } from "@/server/adapters/types";

/**
 * One Microsoft Graph conversation (a read or a health check) through the official client:
 * - the bearer comes from the ClientSecretCredential (token cached by MSAL across sessions);
 * - the client's RetryHandler waits out 429, 503 and 504 as Retry-After says (else 3 s, growing),
 *   at most RETRIES times, and gives up at once when Graph asks for more than MAX_WAIT_SECONDS;
 * - AttemptCounter, placed after the RetryHandler, sees every attempt: it counts requests and
 *   429s for DirectoryRead.stats and bounds each attempt in time.
 * The default chain (HTTPClientFactory) is the same minus the counter. The client attaches the
 * token only to Graph hosts it knows or `customHosts`, and only over https, hence the https-only
 * settings and the base URL's host in customHosts (a sovereign cloud or a test double).
 */
const RETRIES = 3;
const MAX_WAIT_SECONDS = 120;
const TOKEN_FAILURE = "EntraTokenFailure";

export interface GraphPage {
  "@odata.nextLink"?: unknown;
  "@odata.deltaLink"?: unknown;
  value?: unknown;
}

export interface Endpoint {
  tenantId: string;
  clientId: string;
  clientSecretEnv: string;
  authorityHost: string;
  graphBaseUrl: string;
}

/** A Graph answer that is not a success: the status and Graph's error code, kept for callers. */
export class GraphFailure extends AdapterError {
  constructor(
    message: string,
    retryable: boolean,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message, retryable);
  }
}

class AttemptCounter implements Middleware {
  private next: Middleware | undefined;
  lastNetworkError: string | null = null;

  constructor(
    private readonly stats: { requests: number; throttled: number },
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    this.stats.requests++;
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    try {
      await this.next!.execute(context);
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      this.lastNetworkError =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${this.timeoutMs} ms`
          : typeof cause?.code === "string"
            ? cause.code
            : (error as Error).message;
      throw error;
    }
    if (context.response?.status === 429) this.stats.throttled++;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get("retry-after");
  if (header === null) return null;
  const n = Number(header);
  return Number.isNaN(n) ? (Date.parse(header) - Date.now()) / 1000 : n;
}

/** Removes the secret and anything that looks like a bearer token from text shown to people. */
export function scrub(text: string, secret: string | undefined): string {
  let out = text.replace(/Bearer\s+[\w.~+/=-]+/gi, "Bearer [redacted]");
  if (secret) out = out.split(secret).join("[redacted]");
  return out;
}

/** What a failure to get a token means, in words, without the secret. */
export function tokenFailure(error: unknown, endpoint: Endpoint, secret: string): AdapterError {
  const message = scrub(error instanceof Error ? error.message : String(error), secret);
  const code = /AADSTS\d+/.exec(message)?.[0];
  if (/\binvalid_client\b/.test(message))
    return new AdapterError(
      `the client secret in ${endpoint.clientSecretEnv} is not accepted by Microsoft Entra ID for application ${endpoint.clientId} (${code ?? "invalid_client"}: wrong or expired secret, or the secret's ID instead of its value)`,
      false,
    );
  if (/\bunauthorized_client\b|AADSTS700016\b/.test(message))
    return new AdapterError(
      `application ${endpoint.clientId} is not registered in tenant ${endpoint.tenantId} (${code ?? "unauthorized_client"})`,
      false,
    );
  if (/\binvalid_tenant\b|AADSTS90002\b|AADSTS900023\b/.test(message))
    return new AdapterError(`tenant ${endpoint.tenantId} is not known to ${endpoint.authorityHost} (${code})`, false);
  if (/\binvalid_resource\b|AADSTS500011\b/.test(message))
    return new AdapterError(`${endpoint.graphBaseUrl} is not a Microsoft Graph the tenant knows (${code})`, false);
  const firstLine = message.split(/\r?\n/)[0]!.slice(0, 300);
  return new AdapterError(`could not get a token from ${endpoint.authorityHost}: ${firstLine}`, true);
}

export class GraphSession {
  readonly stats = { requests: 0, throttled: 0 };
  private readonly client: Client;
  private readonly counter: AttemptCounter;
  private tokenError: AdapterError | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly credential: ClientSecretCredential,
    private readonly secret: string,
    timeoutMs: number,
  ) {
    const scope = `${endpoint.graphBaseUrl}/.default`;
    const authProvider: AuthenticationProvider = {
      getAccessToken: async () => {
        try {
          const token = await credential.getToken(scope);
          if (!token) throw new Error("the credential returned no token");
          return token.token;
        } catch (error) {
          this.tokenError = tokenFailure(error, endpoint, secret);
          throw Object.assign(new Error(this.tokenError.message), { name: TOKEN_FAILURE });
        }
      },
    };
    const retry = new RetryHandler(
      new RetryHandlerOptions(3, RETRIES, (_delay, _attempt, _request, _options, response) => {
        const wait = retryAfterSeconds(response);
        return wait === null || wait <= MAX_WAIT_SECONDS;
      }),
    );
    this.counter = new AttemptCounter(this.stats, timeoutMs);
    const chain: Middleware[] = [
      new AuthenticationHandler(authProvider),
      retry,
      new RedirectHandler(new RedirectHandlerOptions()),
      this.counter,
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ];
    chain.reduce((previous, next) => (previous.setNext!(next), next));
    this.client = Client.initWithMiddleware({
      middleware: chain[0],
      baseUrl: endpoint.graphBaseUrl,
      defaultVersion: "v1.0",
      customHosts: new Set([new URL(endpoint.graphBaseUrl).hostname]),
    });
  }

  /** A token, to tell a credential problem apart from a Graph one. */
  async token(): Promise<void> {
    try {
      const token = await this.credential.getToken(`${this.endpoint.graphBaseUrl}/.default`);
      if (!token) throw new Error("the credential returned no token");
    } catch (error) {
      throw tokenFailure(error, this.endpoint, this.secret);
    }
  }

  /**
   * GET an absolute URL under the Graph base URL (a path we built, or a nextLink/deltaLink Graph
   * gave). A link elsewhere is refused: the token is for this Graph only.
   */
  async get(url: string, prefer: string[] = []): Promise<GraphPage> {
    const path = url.slice(this.endpoint.graphBaseUrl.length).split("?")[0]!;
    if (!url.startsWith(`${this.endpoint.graphBaseUrl}/v1.0/`))
      throw new GraphFailure(
        `Microsoft Graph gave a link outside ${this.endpoint.graphBaseUrl}; not following it`,
        false,
        0,
        null,
      );
    try {
      const request = this.client.api(url);
      if (prefer.length) request.header("Prefer", prefer.join(", "));
      const page: unknown = await request.get();
      if (typeof page !== "object" || page === null)
        throw new GraphFailure(`Microsoft Graph GET ${path}: not a JSON object`, true, 200, null);
      return page as GraphPage;
    } catch (error) {
      throw this.failure(error, `Microsoft Graph GET ${path}`);
    }
  }

  private failure(error: unknown, what: string): AdapterError {
    if (error instanceof AdapterError) return error;
    if (!(error instanceof GraphError)) {
      const message = scrub(error instanceof Error ? error.message : String(error), this.secret);
      return new AdapterError(`${what}: ${message}`, true);
    }
    if (error.code === TOKEN_FAILURE && this.tokenError) return this.tokenError;
    const status = error.statusCode;
    if (!(status > 0)) {
      const reason = this.counter.lastNetworkError ?? error.message;
      return new GraphFailure(
        `${what}: no answer from ${this.endpoint.graphBaseUrl} (${scrub(reason, this.secret)})`,
        true,
        0,
        null,
      );
    }
    const detail = scrub(error.code ? `${error.code}: ${error.message}` : error.message || "no detail", this.secret);
    if (status === 429)
      return new GraphFailure(
        `${what}: Microsoft Graph is throttling this application (still 429 after ${RETRIES} retries, or asked to wait over ${MAX_WAIT_SECONDS} s): ${detail}`,
        true,
        status,
        error.code,
      );
    const retryable = status >= 500 || status === 408;
    return new GraphFailure(`${what}: ${status} ${detail}`, retryable, status, error.code);
  }
}
