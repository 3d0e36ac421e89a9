/**
 * The credentials and API versions the sandbox vendors accept. Public on purpose: the quickstart workspace,
 * the tests and the docs use them, and they open nothing but the sandbox.
 */
export const SANDBOX_CREDENTIALS = {
  payments: {
    /** Sent as `Authorization: Bearer sk_test_lifeline`. */
    apiKey: 'sk_test_lifeline',
    /** Optional `Pay-Version` header; any other value is refused with 400. */
    apiVersion: '2024-06-20',
  },
  shipping: {
    /** Sent as `X-Api-Key: shp_test_lifeline`. */
    apiKey: 'shp_test_lifeline',
    /** In the path: `/shipping/v2/...`. */
    apiVersion: 'v2',
  },
  identity: {
    /** OAuth2 client credentials, via HTTP Basic or the form body of `POST /identity/oauth/token`. */
    clientId: 'lifeline-sandbox',
    clientSecret: 'id_secret_lifeline',
    /** Optional `api-version` query parameter; any other value is refused with 400. */
    apiVersion: '2025-01-01',
  },
} as const;
