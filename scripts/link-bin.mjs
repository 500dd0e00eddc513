// Makes `npx roster` run this checkout's CLI. npm 11 resolves `npx <name>` for a package's own
// `bin` through its npx cache, which fails for an unpublished app; a link in node_modules/.bin is
// found first and needs no cache. Runs from `prepare`, so `npm ci` and `npm install` set it up.
import fs from 'node:fs';
import path from 'node:path';

const binDir = path.resolve('node_modules/.bin');
const link = path.join(binDir, 'roster');
fs.mkdirSync(binDir, { recursive: true });
fs.rmSync(link, { force: true });
fs.symlinkSync(path.relative(binDir, path.resolve('bin/roster.js')), link);
