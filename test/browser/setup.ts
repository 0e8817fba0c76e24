/**
 * Shared set-up of the browser tests: a fresh build in a temporary directory (never a stale dist/), the static
 * server, Chromium, and the artefact directory for screenshots.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, ROOT } from '../../scripts/build.ts';
import { serveStatic, type StaticServer } from '../../scripts/static-server.ts';
import { afterAll, beforeAll } from 'vitest';
import type { DemoState } from '../../web/main.ts';
import { launchChromium, type TestBrowser } from './chromium.ts';

/** Screenshots and other outputs of the browser tests (gitignored). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Builds the bundles (no types) into a new temporary directory and returns it. */
export async function freshBuild(demo = true): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'makemore-dist-'));
  await build({ outdir, types: false, demo });
  return outdir;
}

/** Everything a browser test needs, and one call to tear it all down. */
export interface BrowserFixture {
  dist: string;
  server: StaticServer;
  browser: TestBrowser;
  dispose(): Promise<void>;
}

/** Build, serve `mounts` (with `/dist/` → the build), launch Chromium. */
export async function startFixture(mounts: (dist: string) => Record<string, string>, headers?: Record<string, string>): Promise<BrowserFixture> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dist = await freshBuild();
  const server = await serveStatic({ mounts: mounts(dist), headers });
  const browser = await launchChromium();
  return {
    dist,
    server,
    browser,
    async dispose() {
      await browser.close();
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** The demo page opened in Chromium with its worker ready, and the page errors it has thrown (to assert none). */
export interface DemoPage {
  fx: BrowserFixture;
  page: import('playwright-core').Page;
  pageErrors: string[];
}

/** Builds and serves the demo (web/ and dist/), opens it and waits for its worker; `viewport` sizes the page first. */
export async function openDemo(viewport?: { width: number; height: number }): Promise<DemoPage> {
  const fx = await startFixture((dist) => ({ '/': join(ROOT, 'web'), '/dist/': dist }));
  const page = await fx.browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(fx.server.url);
  await page.waitForSelector('body[data-worker=ready]', { timeout: 30_000 });
  return { fx, page, pageErrors };
}

/** A test file's demo page: {@link DemoPage} (filled in before the file's tests) and the page's `window.makemoreDemo`. */
export interface DemoForTests extends DemoPage {
  state(): Promise<DemoState>;
  /** Types each value into the field of that id, in the order given. */
  fill(fields: Record<string, string | number>): Promise<void>;
  /** Presses Train, waits until the run is done or has failed, and returns the page's state then. */
  train(timeoutMs?: number): Promise<DemoState>;
}

/**
 * Opens the demo once for the calling test file (before its tests; closed after them): call it at the top level of
 * the file and read `demo.page`, `demo.pageErrors` and `demo.fx` inside the tests.
 */
export function useDemo(viewport?: { width: number; height: number }): DemoForTests {
  const demo = {
    state: () => demo.page.evaluate(() => window.makemoreDemo),
    async fill(fields: Record<string, string | number>) {
      for (const [id, value] of Object.entries(fields)) await demo.page.fill(`#${id}`, String(value));
    },
    async train(timeoutMs = 60_000) {
      await demo.page.click('#train');
      await demo.page.waitForSelector('body[data-status=done], body[data-status=error]', { timeout: timeoutMs });
      return demo.state();
    },
  } as DemoForTests;
  beforeAll(async () => {
    Object.assign(demo, await openDemo(viewport));
  }, 120_000);
  afterAll(async () => {
    await demo.fx?.dispose();
  });
  return demo;
}
