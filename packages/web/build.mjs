// Bundles every page into public/build: the room pages and the hand-made pages (app, manager, officer,
// replay), one entry each, with the code they share (API client, contracts' labels, core's filing rules)
// split into common chunks that a browser caches once. SEC-1: no source maps unless asked for (`--sourcemap`, for
// debugging): the bundle is what production serves, and a map would publish the client's sources. Maps
// left by an earlier debug build are removed so that they cannot ship either.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, 'public', 'build');
const sourcemap = process.argv.includes('--sourcemap');

if (!sourcemap) {
  const names = await readdir(outdir).catch(() => []);
  await Promise.all(
    names.filter((n) => n.endsWith('.map')).map((n) => rm(path.join(outdir, n), { force: true })),
  );
}
// Chunk names carry a content hash: the chunks of earlier builds would pile up unused.
await rm(path.join(outdir, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: {
    'room-page': path.join(here, 'src/room/room-page.ts'),
    'device-check': path.join(here, 'src/room/device-check.ts'),
    app: path.join(here, 'src/app/main.ts'),
    manager: path.join(here, 'src/manager/main.ts'),
    officer: path.join(here, 'src/officer/main.ts'),
    replay: path.join(here, 'src/replay/main.ts'),
    wall: path.join(here, 'src/officer/wall.ts'),
    exam: path.join(here, 'src/exam/main.ts'),
    evaluate: path.join(here, 'src/evaluation/main.ts'),
  },
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap,
  outdir,
  logLevel: 'warning',
});
