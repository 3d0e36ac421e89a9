/**
 * The dashboard end to end in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against the
 * real daemon, API and sandbox vendor, in process: sign in as a responder and see the integrations, make the
 * vendor slow and watch the incident appear live (SSE, no reload), acknowledge it and see the state change, add a
 * note holding an XSS attempt that must render as text, then sign in as a viewer and find no action button.
 * A screenshot of each page lands in test-results/dashboard/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_STATIC_DIR } from '@lifeline/dashboard';
import { issueToken } from '../auth/issue-token.js';
import { runUp, type UpControl } from '../cli/up-command.js';
import {
  eventually,
  writeDaemonWorkspace,
  type TempWorkspace,
} from '../daemon/test-support/daemon-workspace.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { openSqliteStore } from '../store/index.js';
import { createServer } from './create-server.js';

const CHROMIUM = '/usr/bin/chromium';
const READY = existsSync(CHROMIUM) && existsSync(join(DASHBOARD_STATIC_DIR, 'index.html'));
const SHOTS = fileURLToPath(new URL('../../../../test-results/dashboard/', import.meta.url));
const XSS = '<img src=x onerror=alert(1)>';

let sandbox: RunningSandbox;
let workspace: TempWorkspace;
let browser: Browser;
let apiUrl = '';
let stop = () => {};
let running: Promise<number> | undefined;
const tokens = { responder: '', viewer: '' };
const dialogs: string[] = [];

async function signIn(page: Page, token: string): Promise<void> {
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${apiUrl}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!READY)(
  READY
    ? 'the dashboard in Chromium'
    : 'the dashboard in Chromium (skipped: needs /usr/bin/chromium and `npm run build`)',
  () => {
    beforeAll(async () => {
      await mkdir(SHOTS, { recursive: true });
      sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
      workspace = await writeDaemonWorkspace({
        sandboxUrl: sandbox.httpUrl,
        receiverUrl: 'http://127.0.0.1:9',
        // No availability target: the overview shows how many of its targets are met, not a gauge.
        slo: '{ latency: [{ percentile: p95, below: 5s }], errorRate: { below: 50% } }',
      });
      const storePath = join(workspace.dir, 'e2e.db');
      const store = await openSqliteStore({ path: storePath });
      tokens.responder = (
        await issueToken(store, { name: 'alice', role: 'responder', now: Date.now() })
      ).token;
      tokens.viewer = (await issueToken(store, { name: 'vera', role: 'viewer', now: Date.now() })).token;
      await store.close();
      const stopped = new Promise<void>((resolve) => {
        stop = resolve;
      });
      const control: UpControl = { stopped, onReload: () => () => {} };
      const quiet = { out: () => {}, err: () => {}, color: pc.createColors(false) };
      running = runUp(workspace.dir, { port: 0, host: '127.0.0.1', store: storePath }, quiet, control, {
        createServer,
        onReady: (ready) => {
          apiUrl = ready.apiUrl;
        },
      });
      await eventually(() => (apiUrl ? true : undefined), 15_000, 'the daemon to listen');
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      stop();
      await running;
      await sandbox?.close();
      await workspace?.remove();
    });

    it('shows the overview, an incident live, acknowledges it as a responder; a viewer gets no buttons', async () => {
      const responder = await browser.newPage();
      await signIn(responder, tokens.responder);
      await responder.getByTestId('integration-payments').waitFor();
      // Its SLO targets, met or not yet measured (the first SLO pass may precede the first stored result).
      await expect(responder.getByTestId('integration-payments').textContent()).resolves.toMatch(
        /\d\/\d met|no data/,
      );
      await expect(responder.getByTestId('who').textContent()).resolves.toContain('alice · responder');
      await shot(responder, '1-overview');

      // The integration page loads on demand (its charts bring uPlot) and draws them.
      await responder.getByRole('link', { name: 'Payments', exact: true }).click();
      await responder.getByRole('heading', { name: /Payments/ }).waitFor();
      await responder.locator('main canvas').first().waitFor();
      await shot(responder, '1b-integration');

      await responder.getByRole('link', { name: 'Incidents', exact: true }).click();
      await responder.getByRole('heading', { name: 'Incidents' }).waitFor();
      await shot(responder, '2-incidents-empty');
      sandbox.setFaults('payments', { latencyMs: 600 });
      // No reload: the row appears because the live stream told the list to refetch.
      const row = responder.locator('[data-testid^="incident-INC-"]').first();
      await row.waitFor({ timeout: 20_000 });
      await shot(responder, '3-incidents-live');

      await row.getByRole('link').click();
      await responder.getByTestId('problem').waitFor();
      await expect(responder.locator('h1 .badge').first().textContent()).resolves.toBe('triggered');
      await responder.getByRole('button', { name: 'Acknowledge' }).click();
      await responder.locator('h1 .status-acknowledged').waitFor();
      await expect(responder.getByRole('button', { name: 'Acknowledge' }).count()).resolves.toBe(0);

      await responder.getByLabel('Note').fill(XSS);
      await responder.getByRole('button', { name: 'Add note' }).click();
      await responder.getByTestId('timeline').getByText(XSS, { exact: true }).waitFor();
      await expect(responder.locator('main img').count()).resolves.toBe(0);
      await shot(responder, '4-incident-acknowledged');
      const incidentUrl = responder.url();

      const viewerContext = await browser.newContext();
      const viewer = await viewerContext.newPage();
      await signIn(viewer, tokens.viewer);
      await viewer.goto(incidentUrl);
      await viewer.getByTestId('timeline').getByText(XSS, { exact: true }).waitFor();
      await expect(viewer.getByTestId('actions').count()).resolves.toBe(0);
      await expect(viewer.locator('main button').count()).resolves.toBe(0);
      await shot(viewer, '5-incident-as-viewer');
      await viewerContext.close();

      expect(dialogs).toEqual([]);
    }, 60_000);
  },
);
