declare module '@remix-run/node' {
  interface AppLoadContext {
    /** Per-request nonce for the Content-Security-Policy, set by the server. */
    cspNonce: string;
  }
}
export {};
