import tls from "node:tls";

/**
 * The fake's TLS identity. Microsoft's libraries only speak https: MSAL refuses an authority that
 * is not https (msal-common UrlString.validateAsUri, authorityUriInsecure), and the Graph client
 * attaches the bearer token only to https URLs (GraphRequestUtil isValidEndpoint). So the fake
 * serves https with this self-signed certificate for 127.0.0.1 and localhost (P-256, valid until
 * 2126; made with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500
 * -subj /CN=fake-graph.test -addext subjectAltName=IP:127.0.0.1,DNS:localhost`). The key is a
 * test fixture and protects nothing.
 */
export const FAKE_GRAPH_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgT++X8TwjzcNl0B78
w85Txh5Hg32Ws/hFSuXWvi1vM7ShRANCAASDAosBBwqLN8UssVaiu4Z/q29efMXg
Y3SacqsNgUs7HSGm1GjOGZV0lBBgYdBZ+Upm95V4CCnDkUWlYy3KpfhO
-----END PRIVATE KEY-----
`;

export const FAKE_GRAPH_CERT = `-----BEGIN CERTIFICATE-----
MIIBqDCCAU2gAwIBAgIUOFVXpWRRC5mxbtDC/3h3GZujKp0wCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPZmFrZS1ncmFwaC50ZXN0MCAXDTI2MTIwNDE2MTYwM1oYDzIx
MjYxMTEwMTYxNjAzWjAaMRgwFgYDVQQDDA9mYWtlLWdyYXBoLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAASDAosBBwqLN8UssVaiu4Z/q29efMXgY3SacqsN
gUs7HSGm1GjOGZV0lBBgYdBZ+Upm95V4CCnDkUWlYy3KpfhOo28wbTAdBgNVHQ4E
FgQU+K2/FSukbZvpcTmIh0cyu9TGMH0wHwYDVR0jBBgwFoAU+K2/FSukbZvpcTmI
h0cyu9TGMH0wDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2Nh
bGhvc3QwCgYIKoZIzj0EAwIDSQAwRgIhAM5c4Vo+O7vrxEPBAYUC7C/F6VkEOd4x
Qq9yOaz8xdLtAiEAqyMzYhC+vvd3H2uKmhTSdIS8dutEtmifMs71tzJCbTI=
-----END CERTIFICATE-----
`;

let trusted = 0;
let original: typeof tls.createSecureContext | null = null;

/**
 * Makes this process trust the fake's certificate, in addition to the usual roots, for every TLS
 * client that builds its own context (fetch, which the Graph client uses, and node:https, which
 * @azure/identity uses). Certificate checks stay on: the fake must present this certificate for
 * 127.0.0.1. Node 20 has no API to add a CA at run time (NODE_EXTRA_CA_CERTS is read at start
 * only), hence the wrapper around tls.createSecureContext. Returns the undo; calls nest.
 */
export function trustFakeGraphCertificate(): () => void {
  if (trusted++ === 0) {
    const create = (original = tls.createSecureContext);
    tls.createSecureContext = (options?: tls.SecureContextOptions) => {
      const context = create(options);
      // Only contexts on the default roots; a caller that chose its own CAs keeps them.
      if (!options?.ca) (context.context as { addCACert(pem: string): void }).addCACert(FAKE_GRAPH_CERT);
      return context;
    };
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (--trusted === 0 && original) {
      tls.createSecureContext = original;
      original = null;
    }
  };
}
