/**
 * The browser holds up what the server's headers promise: no other page can frame the UI
 * (`frame-ancestors 'none'`), and a page of another site cannot make changes with the signed-in
 * user's session — neither a plain form post (the SameSite=Strict cookie is not sent) nor a
 * script's request (it cannot send the CSRF header across origins).
 */
import { describe, expect, it } from 'vitest';
import { useBrowserHarness } from './support/browser-harness.js';
import { signInQuietly } from './support/sign-in.js';

const harness = useBrowserHarness();

/** Another site than the UI's (127.0.0.1): a page the test serves itself through `page.route`. */
function attackerOrigin(): string {
  return harness.current.origin.replace('127.0.0.1', 'localhost');
}

describe('security in the browser', () => {
  it('cannot be framed by another page', async () => {
    const page = await harness.current.newPage({
      allow: { consoleErrors: [/frame-ancestors 'none'/] },
    });
    await signInQuietly(page);
    const refused = page.waitForEvent('console', (message) =>
      message.text().includes("frame-ancestors 'none'"),
    );
    await page.setContent(
      `<iframe title="ipnhub" src="${harness.current.origin}/sources"></iframe>`,
    );
    await refused;
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    if (!frame) throw new Error('no iframe');
    await frame.waitForLoadState();
    // Chromium shows its error page in place of the UI.
    expect(frame.url()).not.toBe(`${harness.current.origin}/sources`);
    expect(await frame.locator('main').count()).toBe(0);
  });

  it('refuses changes sent from another site with the signed-in user’s cookie', async () => {
    const attacker = attackerOrigin();
    const page = await harness.current.newPage({
      allow: {
        origins: [attacker],
        consoleErrors: [/CORS policy/, /Failed to load resource: net::ERR_FAILED/],
      },
    });
    await signInQuietly(page);
    const create = `${harness.current.origin}/api/v1/sources`;
    const body = JSON.stringify({
      provider: 'digistore24',
      name: 'planted',
      config: { passphrase: 'attacker-passphrase' },
    });
    await page.route(`${attacker}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>elsewhere</title>
          <form method="post" action="${create}" enctype="text/plain"><input name='${body.slice(0, -1)},"x":"' value='"}'><button>go</button></form>`,
      }),
    );
    await page.goto(`${attacker}/offer`);

    // A form posted across sites: the browser leaves the SameSite=Strict cookie out.
    const [answer] = await Promise.all([
      page.waitForResponse(create),
      page.getByRole('button', { name: 'go' }).click(),
    ]);
    expect(answer.status()).toBe(401);

    // A script's request with credentials: the CSRF header makes it a CORS request the server never allows.
    await page.goto(`${attacker}/offer`);
    const outcome: unknown = await page.evaluate(
      `fetch(${JSON.stringify(create)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-ipnhub-csrf': '1' }, body: ${JSON.stringify(body)} }).then((r) => 'answered ' + r.status, (e) => 'refused: ' + e.name)`,
    );
    expect(outcome).toBe('refused: TypeError');

    expect(
      (await harness.current.runtime.sources.list()).map((source) => source.name),
    ).not.toContain('planted');
    // The user's own session still works.
    const own = await page.context().request.get(`${harness.current.origin}/api/v1/session`);
    expect(own.status()).toBe(200);
  });
});
