import path from 'node:path';

// IF_BUILD_DIR=<name> lets several test runs build side by side, in .cache/builds/<name> inside the project
// (the server build must sit where node_modules resolves). Default: build/ and public/build/. server.ts agrees.
const out = process.env.IF_BUILD_DIR ? path.join('.cache/builds', path.basename(process.env.IF_BUILD_DIR)) : '.';

/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  serverModuleFormat: 'esm',
  serverPlatform: 'node',
  serverBuildPath: `${out}/build/index.js`,
  assetsBuildDirectory: `${out}/public/build`,
  publicPath: '/build/',
  // Bundled so the build's NODE_ENV is inlined: TanStack Table reads process.env.NODE_ENV in every memo it
  // creates (per row and cell), and process.env is slow to read on Node (issue #8).
  serverDependenciesToBundle: [/^@tanstack\//],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
};
