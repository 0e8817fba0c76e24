/**
 * The tiny static server of the demo and the browser tests: mounted directories, content types (wasm must be
 * application/wasm for streaming compilation), and nothing outside the mounts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '../../scripts/static-server.ts';

let root: string;
let server: StaticServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'makemore-static-'));
  mkdirSync(join(root, 'site'));
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'site', 'index.html'), '<p>home</p>');
  writeFileSync(join(root, 'lib', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(root, 'secret.txt'), 'no');
  server = await serveStatic({ mounts: { '/': join(root, 'site'), '/lib/': join(root, 'lib') }, headers: { 'X-Test': '1' } });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw GET (no URL normalization by the client, so traversal attempts reach the server as written). */
function get(path: string): Promise<{ status: number; type: string; header: string; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), header: String(res.headers['x-test']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveStatic', () => {
  it('serves index.html for a directory and files of the longest matching mount', async () => {
    const home = await get('/');
    expect(home).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', header: '1', body: '<p>home</p>' });
    const wasm = await get('/lib/k.wasm');
    expect(wasm).toMatchObject({ status: 200, type: 'application/wasm', body: '\0asm' });
  });

  it('answers 404 for missing files and 403 for paths that leave the mount', async () => {
    expect((await get('/nope.html')).status).toBe(404);
    expect((await get('/lib/')).status).toBe(404);
    expect((await get('/../secret.txt')).status).not.toBe(200);
    expect((await get('/lib/..%2f..%2fsecret.txt')).status).toBe(403);
    // the URL parser folds %2e%2e into '..' itself: the path becomes /secret.txt under '/', which does not exist there
    expect((await get('/lib/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('refuses a mount prefix without slashes', () => {
    expect(() => serveStatic({ mounts: { lib: root } })).toThrow(/mount prefix must start and end with '\/', got 'lib'/);
  });
});
