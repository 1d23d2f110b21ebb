declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-request nonce for the Content-Security-Policy, set by the server. */
    cspNonce: string;
    /** The request's id, set by the server: shown on a 500 page, logged with the error. */
    requestId?: string;
  }
}
export {};
