import { describe, expect, it } from 'vitest';
import { BINARY_PREFIX } from '../binary/binaryRoutes.js';
import { appSchemeRoute, isAppUrl, isTrustedIpcSender, permissionDecision, safeScheme, secureWebPreferences } from './shellPolicy.js';

/** The Electron shell's decisions, checked in Node (test/electron runs them in Electron where it can start). */
describe('Electron shell policy', () => {
  it('treats only atrium://app URLs as the app: navigation anywhere else is blocked', () => {
    for (const url of ['atrium://app/', 'atrium://app/index.html', 'atrium://app/assets/x.js?y=1#z']) expect(isAppUrl(url), url).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'atrium://evil/',
      'atrium://app.evil.com/',
      'atrium://user:pass@app/',
      'ATRIUM-x://app/',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
    expect(safeScheme('https://example.com/?mrn=123')).toBe('https:');
    expect(safeScheme('::')).toBe('invalid');
  });

  it('accepts IPC only from the main frame of an app window showing the app', () => {
    const ok = { frameUrl: 'atrium://app/index.html', isMainFrame: true, webContentsId: 1 };
    expect(isTrustedIpcSender(ok, [1, 2])).toBe(true);
    expect(isTrustedIpcSender({ ...ok, isMainFrame: false }, [1])).toBe(false); // an iframe
    expect(isTrustedIpcSender({ ...ok, frameUrl: 'https://example.com/' }, [1])).toBe(false); // navigated away
    expect(isTrustedIpcSender({ ...ok, frameUrl: null }, [1])).toBe(false); // frame gone
    expect(isTrustedIpcSender({ ...ok, webContentsId: 9 }, [1, 2])).toBe(false); // not one of our windows
  });

  it('routes the app scheme: other hosts 404, anything but GET/HEAD 405, else the binary route or a bundle file', () => {
    expect(appSchemeRoute('GET', 'atrium://other/index.html')).toMatchObject({ kind: 'refuse', status: 404 });
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) expect(appSchemeRoute(method, 'atrium://app/index.html')).toMatchObject({ kind: 'refuse', status: 405 });
    expect(appSchemeRoute('GET', `atrium://app${BINARY_PREFIX}frames/x`)).toEqual({ kind: 'binary', pathname: `${BINARY_PREFIX}frames/x` });
    expect(appSchemeRoute('HEAD', 'atrium://app/assets/app.js')).toEqual({ kind: 'static', pathname: '/assets/app.js' });
    // The URL parser already folds dot segments; what is left (encoded ones) readStaticFile refuses.
    expect(appSchemeRoute('GET', 'atrium://app/assets/../../secret.txt')).toEqual({ kind: 'static', pathname: '/secret.txt' });
  });

  it('denies every permission and keeps the renderer sandboxed and isolated', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'usb']) expect(permissionDecision(p)).toBe(false);
    expect(secureWebPreferences('/p.js')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });
});
