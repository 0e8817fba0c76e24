/**
 * `npm run demo`: builds the bundles and serves the demo page on http://127.0.0.1:8080/ (PORT to change it; a busy
 * port falls back to a free one). web/ is the page, /dist/ the bundles.
 */
import { join } from 'node:path';
import { build, ROOT } from './build.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

const sizes = await build({ types: false });
for (const s of sizes) console.log(`built ${s.file} (${(s.bytes / 1024).toFixed(1)} KB, gzip ${(s.gzipBytes / 1024).toFixed(1)} KB)`);

const mounts = { '/': join(ROOT, 'web'), '/dist/': join(ROOT, 'dist') };
const port = Number(process.env.PORT ?? 8080);
let server: StaticServer;
try {
  server = await serveStatic({ mounts, port });
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
  server = await serveStatic({ mounts, port: 0 });
  console.log(`port ${port} is busy; using another one`);
}
console.log(`makemore-wasm demo: ${server.url}  (Ctrl-C to stop)`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
