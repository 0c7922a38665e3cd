import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { workerNodeFlags } from '../../src/config/worker-flags.js';
import { dataSourceOptions } from '../../src/database/data-source-options.js';

describe('configuration', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'hoso-cfg-'));

  it('defaults to SQLite under DATA_DIR and generates a JWT secret once', () => {
    const d = dir();
    const c = loadConfig({ DATA_DIR: d });
    assert.equal(c.port, 3000);
    assert.deepEqual(c.database, { type: 'sqlite', path: join(d, 'hoso.sqlite') });
    assert.equal(c.storageDir, join(d, 'files'));
    assert.equal(c.timezone, 'Asia/Ho_Chi_Minh');
    assert.equal(c.workflowEngine, 'embedded');
    assert.ok(c.jwtSecret.length >= 32);
    assert.equal(readFileSync(join(d, 'jwt-secret'), 'utf8'), c.jwtSecret);
    assert.equal(loadConfig({ DATA_DIR: d }).jwtSecret, c.jwtSecret);
    assert.notEqual(loadConfig({ DATA_DIR: dir() }).jwtSecret, c.jwtSecret);
  });

  it('lists every wrong value', () => {
    try {
      loadConfig({
        DATA_DIR: dir(),
        PORT: 'abc',
        DATABASE_URL: 'postgres://x',
        WORKFLOW_ENGINE: 'camunda7',
        BUSINESS_TIMEZONE: 'Mars/Base',
        SMTP_URL: 'http://x',
        JWT_SECRET: 'short',
      });
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const text = e.problems.join('\n');
      for (const key of ['PORT', 'DATABASE_URL', 'WORKFLOW_ENGINE', 'BUSINESS_TIMEZONE', 'SMTP_URL', 'JWT_SECRET'])
        assert.match(text, new RegExp(key));
    }
  });

  it('the server exits with a clear message on bad configuration', () => {
    const r = spawnSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, DATA_DIR: dir(), PORT: '99999', WORKFLOW_ENGINE: 'x' },
      encoding: 'utf8',
      timeout: 30000,
    });
    assert.equal(r.status, 78);
    assert.match(r.stderr, /PORT/);
    assert.match(r.stderr, /WORKFLOW_ENGINE must be embedded or zeebe/);
  });

  it('HTTP_WORKER_HEAP_MB is 0 (V8 keeps its own limit) unless set; a number is kept; anything else is refused', () => {
    assert.equal(loadConfig({ DATA_DIR: dir() }).httpWorkerHeapMb, 0);
    assert.equal(loadConfig({ DATA_DIR: dir(), HTTP_WORKER_HEAP_MB: '512' }).httpWorkerHeapMb, 512);
    assert.throws(() => loadConfig({ DATA_DIR: dir(), HTTP_WORKER_HEAP_MB: 'lots' }), /HTTP_WORKER_HEAP_MB/);
  });

  it('HTTP workers get a bounded heap growth and young generation unless configured otherwise', () => {
    const c = loadConfig({ DATA_DIR: dir() });
    assert.equal(c.httpWorkerHeapGrowthPercent, 100);
    assert.equal(c.httpWorkerSemiSpaceMb, 8);
    assert.deepEqual(workerNodeFlags(c, ['--enable-source-maps']), [
      '--enable-source-maps',
      '--heap-growing-percent=100',
      '--max-semi-space-size=8',
    ]);
    // 0 keeps V8's own behaviour; a heap limit is added only when configured
    const own = loadConfig({ DATA_DIR: dir(), HTTP_WORKER_HEAP_GROWTH: '0', HTTP_WORKER_SEMI_SPACE_MB: '0' });
    assert.deepEqual(workerNodeFlags(own, []), []);
    const limited = loadConfig({ DATA_DIR: dir(), HTTP_WORKER_HEAP_MB: '512', HTTP_WORKER_HEAP_GROWTH: '25' });
    assert.deepEqual(workerNodeFlags(limited, []), [
      '--max-old-space-size=512',
      '--heap-growing-percent=25',
      '--max-semi-space-size=8',
    ]);
    assert.throws(() => loadConfig({ DATA_DIR: dir(), HTTP_WORKER_HEAP_GROWTH: '-5' }), /HTTP_WORKER_HEAP_GROWTH/);
    assert.throws(() => loadConfig({ DATA_DIR: dir(), HTTP_WORKER_SEMI_SPACE_MB: 'big' }), /HTTP_WORKER_SEMI_SPACE_MB/);
  });

  it('a heap flag already given to node (its flags or NODE_OPTIONS) wins over the configuration', () => {
    const c = loadConfig({ DATA_DIR: dir(), HTTP_WORKER_HEAP_MB: '512' });
    assert.deepEqual(workerNodeFlags(c, ['--heap-growing-percent=80', '--max-old-space-size=2048']), [
      '--heap-growing-percent=80',
      '--max-old-space-size=2048',
      '--max-semi-space-size=8',
    ]);
    assert.deepEqual(workerNodeFlags(c, [], '--max-semi-space-size=32  --max-old-space-size=1024'), [
      '--heap-growing-percent=100',
    ]);
  });

  it('HTTP_WORKERS=auto is one worker per CPU; a number is kept; anything else is refused', () => {
    assert.equal(loadConfig({ DATA_DIR: dir(), HTTP_WORKERS: 'auto' }).httpWorkers, availableParallelism());
    assert.equal(loadConfig({ DATA_DIR: dir(), HTTP_WORKERS: '3' }).httpWorkers, 3);
    assert.equal(loadConfig({ DATA_DIR: dir() }).httpWorkers, 1);
    assert.throws(() => loadConfig({ DATA_DIR: dir(), HTTP_WORKERS: 'many' }), /HTTP_WORKERS/);
  });

  it('reads mysql URLs', () => {
    const c = loadConfig({ DATA_DIR: dir(), DATABASE_URL: 'mariadb://root@127.0.0.1:3306/test' });
    assert.deepEqual(c.database, {
      type: 'mysql',
      url: 'mysql://root@127.0.0.1:3306/test',
      flavor: 'mariadb',
      poolSize: 20,
    });
  });

  it('DATABASE_POOL_SIZE sizes the MySQL/MariaDB pool of each app process; out of range is refused', () => {
    const url = 'mysql://root@127.0.0.1:3306/test';
    const c = loadConfig({ DATA_DIR: dir(), DATABASE_URL: url, DATABASE_POOL_SIZE: '6' });
    assert.equal(c.database.type === 'mysql' && c.database.poolSize, 6);
    const options = dataSourceOptions(c.database) as { poolSize?: number; extra?: { connectionLimit?: number } };
    assert.equal(options.poolSize, 6);
    assert.equal(options.extra?.connectionLimit, 6);
    assert.throws(
      () => loadConfig({ DATA_DIR: dir(), DATABASE_URL: url, DATABASE_POOL_SIZE: '1' }),
      /DATABASE_POOL_SIZE/,
    );
    assert.throws(
      () => loadConfig({ DATA_DIR: dir(), DATABASE_URL: url, DATABASE_POOL_SIZE: 'x' }),
      /DATABASE_POOL_SIZE/,
    );
  });
});
