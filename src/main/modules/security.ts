/**
 * Security rules for every web contents (Electron security checklist; Fiddle, cawa-93): no
 * navigation away from the app, no new windows (http(s) links open in the system browser), no
 * permissions, no webviews, and the app's Content-Security-Policy on every response.
 */
import { app, session, shell, type WebContents } from 'electron';

import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts';
import { isAppUrl } from '../ipc/register-ipc.ts';

/** Only http and https links may leave the app, and only to the system browser. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function harden(contents: WebContents, appUrl: () => string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Installs the rules; call once before any window is created. `dev`: the development server's React
 * refresh needs an inline script, so the CSP header is left to the built page's meta tag.
 */
export function installSecurityRules(appUrl: () => string, dev: boolean): void {
  app.on('web-contents-created', (_event, contents) => harden(contents, appUrl));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  if (dev) return;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}
