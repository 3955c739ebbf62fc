import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

/** Debian's Chromium, installed by scripts/install-system-deps.sh. Without it this test fails: it never skips. */
const CHROMIUM = process.env.TOLLGATE_CHROMIUM ?? '/usr/bin/chromium';

/** What the page saw of one fetch: the response it could read, or the CORS failure (a TypeError). */
type Seen =
  | { ok: true; status: number; body: string; exposed: string | null; hidden: string | null }
  | { ok: false; error: string };

/**
 * A real browser enforces CORS on what the gateway answers: a page served from
 * http://127.0.0.1:<A> calls the gateway at http://localhost:<B>, another
 * origin, and the test reads what the page could see.
 */
describe('CORS in a real browser (headless Chromium)', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let site: Server;
  let origin: string;
  let gateway: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    upstream = await startUpstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'exposed', 'x-secret-header': 'hidden' });
      res.end(`upstream saw ${req.method}`);
    });
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>page</title><p>a page on another origin</p>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    gw = await startGatewayProcess();
    gateway = gw.url.replace('127.0.0.1', 'localhost');
    const group = {
      origins: [origin],
      allowedMethods: [
        { methodName: 'GET', isAllowed: true },
        'PUT',
        'POST',
        'OPTIONS',
        { methodName: 'DELETE', isAllowed: false },
      ],
      headers: ['content-type', 'x-custom'],
      exposedHeaders: ['x-upstream'],
      accessControlMaxAge: 0,
    };
    const state = environmentState(
      [
        api('allowed', upstream.url, [policy('cors', 'cors', { publicResource: false, originGroups: [group] })]),
        api('credentialed', upstream.url, [
          policy('cors', 'cors', { publicResource: false, supportCredentials: true, originGroups: [group] }),
        ]),
        api('refused', upstream.url, [
          policy('cors', 'cors', {
            publicResource: false,
            originGroups: [{ ...group, origins: ['https://elsewhere.example'] }],
          }),
        ]),
        api('public', upstream.url, [policy('cors', 'cors')]),
      ],
      [],
      { precedence: 'cors-first' },
    );
    const applied = await gw.applyState(state);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    profile = await mkdtemp(path.join(tmpdir(), 'tollgate-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      // Root needs --no-sandbox (chromiumSandbox: false); background networking off, or it calls out to a network there is none of.
      chromiumSandbox: false,
      args: [
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${origin}/`);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await gw?.stop();
    await upstream?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** fetch() run by the page, as a script of that origin would. */
  const fetchFromPage = (
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; credentials?: 'include' | 'omit' } = {},
  ): Promise<Seen> =>
    page.evaluate(
      async ({ url, init }) => {
        try {
          const res = await fetch(url, { ...init, cache: 'no-store' });
          return {
            ok: true as const,
            status: res.status,
            body: await res.text(),
            exposed: res.headers.get('x-upstream'),
            hidden: res.headers.get('x-secret-header'),
          };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { url, init },
    );
  const methodsSeen = (apiName: string) =>
    upstream.seen.filter((r) => r.headers['x-forwarded-prefix'] === `/${apiName}`).map((r) => r.method);

  // Reference (cors): "a non-matching origin gets no CORS headers".
  it('a simple request: readable from an allowed origin (only exposed headers visible), a CORS failure from another', async () => {
    const allowed = await fetchFromPage(`${gateway}/allowed/simple`);
    expect(allowed).toEqual({ ok: true, status: 200, body: 'upstream saw GET', exposed: 'exposed', hidden: null });
    const refused = await fetchFromPage(`${gateway}/refused/simple`);
    expect(refused).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
  });

  // Reference (cors): "every OPTIONS request is answered by the gateway and never reaches the backend".
  it('a preflighted request: the gateway answers the preflight, the browser then sends the request; refused origins and methods never get past the preflight', async () => {
    const put = await fetchFromPage(`${gateway}/allowed/item`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-custom': '1' },
      body: '{}',
    });
    expect(put).toMatchObject({ ok: true, status: 200, body: 'upstream saw PUT' });
    const refused = await fetchFromPage(`${gateway}/refused/item`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
    // DELETE is listed with isAllowed: false.
    const deleted = await fetchFromPage(`${gateway}/allowed/item`, { method: 'DELETE' });
    expect(deleted).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
    // A header the group does not allow fails the preflight too.
    const unlisted = await fetchFromPage(`${gateway}/allowed/item`, { method: 'PUT', headers: { 'x-other': '1' } });
    expect(unlisted).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
    expect(methodsSeen('allowed')).not.toContain('DELETE');
    expect(methodsSeen('refused')).toEqual(['GET']);
    expect(upstream.seen.some((r) => r.method === 'OPTIONS')).toBe(false);
  });

  // Reference (cors): "supportCredentials (false)"; a public resource answers "*", which browsers refuse with credentials.
  it('a credentialed request: readable where credentials are supported for the origin, refused by the browser from a public resource', async () => {
    const credentialed = await fetchFromPage(`${gateway}/credentialed/me`, { credentials: 'include' });
    expect(credentialed).toMatchObject({ ok: true, status: 200 });
    const withoutSupport = await fetchFromPage(`${gateway}/allowed/me`, { credentials: 'include' });
    expect(withoutSupport).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
    const wildcard = await fetchFromPage(`${gateway}/public/me`, { credentials: 'include' });
    expect(wildcard).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
    expect(await fetchFromPage(`${gateway}/public/me`)).toMatchObject({ ok: true, status: 200 });
  });

  // Reference (cors): "every OPTIONS request is answered by the gateway and never reaches the backend".
  it('fetch with method OPTIONS: answered by the gateway (204, readable from an allowed origin), never by the upstream', async () => {
    const allowed = await fetchFromPage(`${gateway}/allowed/thing`, { method: 'OPTIONS' });
    expect(allowed).toMatchObject({ ok: true, status: 204, body: '' });
    const refused = await fetchFromPage(`${gateway}/refused/thing`, { method: 'OPTIONS' });
    expect(refused).toEqual({ ok: false, error: expect.stringContaining('TypeError') });
    expect(upstream.seen.some((r) => r.method === 'OPTIONS')).toBe(false);
  });
});
