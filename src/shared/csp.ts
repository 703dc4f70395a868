/**
 * The page's Content-Security-Policy, the same in Electron (response header + meta tag in
 * src/renderer/index.html) and in browser mode (server header): scripts only from the app, engine
 * traffic only to the same origin (the browser-mode WebSocket), no plugins, frames or forms.
 */
const directives = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
];

/** As a response header. */
export const CONTENT_SECURITY_POLICY = directives.join('; ');

/** As a <meta> tag: browsers ignore (and warn about) frame-ancestors there. */
export const CONTENT_SECURITY_POLICY_META = directives
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');
