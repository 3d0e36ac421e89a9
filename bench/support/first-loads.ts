/** First loads of the dashboard in Debian Chromium, signed in with a token, with the browser's own timings. */
import { chromium } from 'playwright-core';
import { LOAD_TIMEOUT_MS } from './http-load.js';

/** One first load of the dashboard, in ms. */
export interface FirstLoad {
  /** From `page.goto` until Playwright sees an integration row (its own round-trips included). */
  visibleMs: number;
  /** Navigation start to the integration rows painted, as the browser reports it (Largest Contentful Paint). */
  paintedMs: number;
  /** The page's `lifeline:integrations-shown` mark: navigation start to the rows rendered. */
  shownMs: number;
  loadEventEndMs: number;
}

export async function dashboardLoads(apiUrl: string, token: string, loads: number) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const out: FirstLoad[] = [];
    // One unmeasured load first: Chromium's own start-up (GPU process, disk cache set-up) is not the page's.
    for (let i = 0; i <= loads; i++) {
      const context = await browser.newContext();
      // Signed in as the dashboard's sign-in form leaves it (in a string: not compiled with the DOM library).
      await context.addInitScript(`sessionStorage.setItem('lifeline.token', ${JSON.stringify(token)})`);
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${apiUrl}/`, { timeout: LOAD_TIMEOUT_MS });
      await page.waitForSelector('[data-testid^="integration-"]', { timeout: LOAD_TIMEOUT_MS });
      const visibleMs = performance.now() - start;
      // The browser's own paint time of the rows (the Largest Contentful Paint entry whose element is in an
      // integration row: the rows are the largest thing the overview paints), and the page's mark.
      const timing = JSON.parse(
        String(
          await page.evaluate(`new Promise((resolve) => {
            const rest = {
              loadEventEnd: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null,
              shown: performance.getEntriesByName('lifeline:integrations-shown')[0]?.startTime ?? null,
            };
            new PerformanceObserver((list) => {
              const rows = list.getEntries().filter((e) => e.element?.closest('[data-testid^="integration-"]'));
              resolve(JSON.stringify({ ...rest, painted: rows.length ? rows[0].renderTime : null }));
            }).observe({ type: 'largest-contentful-paint', buffered: true });
            setTimeout(() => resolve(JSON.stringify({ ...rest, painted: null })), 2000);
          })`),
        ),
      ) as { loadEventEnd: number | null; shown: number | null; painted: number | null };
      if (i > 0) {
        out.push({
          visibleMs,
          paintedMs: timing.painted ?? NaN,
          shownMs: timing.shown ?? NaN,
          loadEventEndMs: timing.loadEventEnd ?? NaN,
        });
      }
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}
