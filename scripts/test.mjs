#!/usr/bin/env node
// npm test [-- <path filter>…]: compiles the project with its tests, checks the Debian tools some tests need,
// then runs every test file with node's test runner. Under CI=true a missing tool fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ci = process.env.CI === 'true';
const tools = [
  { env: 'HOSO_CHROMIUM', path: '/usr/bin/chromium', what: 'browser tests (test/browser)', pkg: 'chromium' },
  { env: 'HOSO_PDFSIG', path: '/usr/bin/pdfsig', what: 'independent signature verification', pkg: 'poppler-utils' },
  { env: 'HOSO_XMLLINT', path: '/usr/bin/xmllint', what: 'metadata XML validated against its XSD', pkg: 'libxml2-utils' },
  { env: 'HOSO_QPDF', path: '/usr/bin/qpdf', what: 'structure check of every PDF hoso produces', pkg: 'qpdf' },
  {
    env: 'HOSO_OCRMYPDF',
    path: '/usr/bin/ocrmypdf',
    what: 'OCR of scanned letters (Vietnamese)',
    pkg: 'ocrmypdf tesseract-ocr-vie',
  },
];
const env = { ...process.env };
let missing = 0;
for (const t of tools) {
  if (existsSync(t.path)) env[t.env] = t.path;
  else {
    missing++;
    console.error(
      `\n!!! ${t.path} is missing: ${t.what} will be SKIPPED. Install it with: apt-get install -y ${t.pkg}\n`,
    );
  }
}
if (missing && ci) {
  console.error('CI=true: required tools are missing, failing the run.');
  process.exit(1);
}
const run = (cmd, args, extraEnv = {}) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
console.log('compiling (tsc -p tsconfig.json)…');
let r = run('npx', ['tsc', '-p', 'tsconfig.json']);
// TEST_ALLOW_TSC_ERRORS=1 is for parallel development only (another module mid-edit); CI never sets it.
if (r.status !== 0 && !(process.env.TEST_ALLOW_TSC_ERRORS === '1' && !ci)) process.exit(r.status ?? 1);
const filters = process.argv.slice(2);
const wantsBrowser = filters.length === 0 || filters.some((f) => f.includes('browser'));
if (wantsBrowser && !process.env.TEST_SKIP_WEB_BUILD && env.HOSO_CHROMIUM && existsSync('frontend/package.json')) {
  console.log('building the web app for browser tests…');
  r = run('npm', ['run', 'build', '--workspace', 'frontend']);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const files = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => join('dist/test', f))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x.replace(/^test\//, '').replace(/\.ts$/, ''))))
  // TEST_EXCLUDE=browser,… leaves out files whose path contains one of the parts (CI runs the browser journeys once, on SQLite).
  .filter(
    (f) =>
      !(env.TEST_EXCLUDE ?? '')
        .split(',')
        .filter(Boolean)
        .some((x) => f.includes(x)),
  )
  .sort()
  // the longest files first (SIGKILL and two-server fault tests take minutes, much of it waiting on timers), so
  // the run does not end with one of them alone while the other slots are idle
  .sort((a, b) => Number(b.includes('/faults/')) - Number(a.includes('/faults/')));
if (!files.length) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(
  `running ${files.length} test files on ${/^(mysql|mariadb):/.test(env.DATABASE_URL ?? '') ? 'MySQL/MariaDB' : 'SQLite'}`,
);
r = run(process.execPath, [
  '--test',
  '--test-reporter=spec',
  // 3 files at a time on 2 cores: the fault tests mostly wait (timers, restarts, child servers)
  `--test-concurrency=${env.TEST_CONCURRENCY ?? 3}`,
  '--test-timeout=600000',
  ...files,
]);
process.exit(r.status ?? 1);
