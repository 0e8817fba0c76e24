/**
 * A tiny static file server on node:http, for the demo (`npm run demo`) and the browser tests. No dependencies, no
 * caching, no directory listings: just files under a few mounted directories, with the right Content-Type (wasm
 * must be `application/wasm` for `WebAssembly.compileStreaming`).
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

/** Options for {@link serveStatic}. */
export interface StaticServerOptions {
  /** URL prefix (ending in `/`) → directory. The longest matching prefix wins; `/` is the fallback. */
  mounts: Record<string, string>;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind (default `127.0.0.1`: the demo is for this machine only). */
  host?: string;
  /** Extra headers on every response (e.g. a Content-Security-Policy for a test page). */
  headers?: Record<string, string>;
}

/** A running server: its base URL (with trailing `/`) and how to stop it. */
export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts serving; resolves once the port is bound. */
export function serveStatic(options: StaticServerOptions): Promise<StaticServer> {
  const mounts = Object.entries(options.mounts)
    .map(([prefix, dir]) => {
      if (!prefix.startsWith('/') || !prefix.endsWith('/')) {
        throw new Error(`serveStatic: mount prefix must start and end with '/', got '${prefix}'`);
      }
      return [prefix, resolve(dir)] as const;
    })
    .sort((a, b) => b[0].length - a[0].length);
  const host = options.host ?? '127.0.0.1';

  const server = createServer(async (req, res) => {
    const send = (status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...options.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (path.endsWith('/')) path += 'index.html';
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return send(404, 'not found\n');
    const [prefix, dir] = mount;
    const file = resolve(join(dir, path.slice(prefix.length)));
    // resolve() collapses '..': anything that lands outside the mounted directory is refused.
    if (file !== dir && !file.startsWith(dir + sep)) return send(403, 'forbidden\n');
    try {
      if (!(await stat(file)).isFile()) return send(404, 'not found\n');
      send(200, await readFile(file), TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    } catch {
      send(404, 'not found\n');
    }
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolvePromise({
        url: `http://${host}:${port}/`,
        server,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
