// `make package`: the npm package `mlp-lab` in target/package/ — this folder's sources, its
// package.json with the crate's version, and the export build of the engine (www/pkg-export/,
// `make wasm`) in engine/ — packed by `npm pack` into target/mlp-lab-<version>.tgz.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(ROOT, 'target', 'package');
const ENGINE = path.join(ROOT, 'www', 'pkg-export');

const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'))?.[1];
if (!version) throw new Error('Cargo.toml: no version line in [package]');
for (const file of ['mlp_lab.js', 'mlp_lab_bg.wasm']) {
  if (!existsSync(path.join(ENGINE, file))) {
    console.error(`${path.join(ENGINE, file)} is missing: build the engine with \`make wasm\` (or \`make package\`)`);
    process.exit(1);
  }
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(path.join(OUT, 'engine'), { recursive: true });
for (const file of ['index.js', 'index.d.ts', 'worker.js', 'README.md']) copyFileSync(path.join(HERE, file), path.join(OUT, file));
for (const file of ['mlp_lab.js', 'mlp_lab_bg.wasm']) copyFileSync(path.join(ENGINE, file), path.join(OUT, 'engine', file));
const manifest = JSON.parse(readFileSync(path.join(HERE, 'package.json'), 'utf8'));
writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);

const packed = execFileSync('npm', ['pack', '--pack-destination', path.dirname(OUT), '--json', '--offline'], { cwd: OUT, encoding: 'utf8' });
const [{ filename }] = JSON.parse(packed);
const tarball = path.join(path.dirname(OUT), filename);
console.log(`${path.relative(ROOT, tarball)}: ${statSync(tarball).size} bytes`);
