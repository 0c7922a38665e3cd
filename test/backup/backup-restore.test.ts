import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { seedDemoWork, type DemoWorkResult } from '../../src/demo/demo-work.js';
import { takeBackup, type BackupResult } from '../../src/modules/backup/backup-writer.js';
import { restoreBackup } from '../../src/modules/backup/restore.js';
import { DEMO_PASSWORD, freshDatabase, isMysql, startTestApp, type TestApp } from '../support/test-app.js';
import { completeTask } from '../support/tasks.js';
import { dumpTables, storeObjects, targetConfig, tempDir, type Db } from './support.js';

/** Backups of a server at work, restored into empty databases of the same driver (the move is backup-move.test). */
describe('backup and restore: every acknowledged write, the audit chain, the PDFs, the waiting work', () => {
  let t: TestApp;
  let seeded: DemoWorkResult;
  let full: BackupResult;
  const backupDir = tempDir('hoso-backups-');
  const cleanup: Db[] = [];
  const backupOf = (dir = backupDir, key: Buffer | null = null) => ({ ...t.config.backup, dir, key, copyDir: null });
  const take = (kind: 'full' | 'incremental', dir = backupDir, key: Buffer | null = null) =>
    takeBackup({
      app: t.config,
      backup: backupOf(dir, key),
      kind,
      dataSource: isMysql ? t.dataSource : undefined,
    });
  const target = async () => {
    const db = await freshDatabase();
    cleanup.push(db);
    return db;
  };
  const tablesIn = async (db: Db) => {
    if (!isMysql) return existsSync(join(db.dataDir, 'hoso.sqlite')) ? -1 : 0;
    const ds = new DataSource({ type: 'mysql', url: db.databaseUrl });
    await ds.initialize();
    const n = (await ds.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()`))[0]
      .n;
    await ds.destroy();
    return Number(n);
  };

  before(async () => {
    t = await startTestApp({ env: { BACKUP_DIR: backupDir } });
    seeded = await seedDemoWork({ baseUrl: t.url, password: DEMO_PASSWORD, year: new Date().getFullYear() });
  });
  after(async () => {
    await t.close();
    for (const db of cleanup) await db.drop().catch(() => undefined);
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('a backup taken while documents are created and tasks completed restores every write acknowledged before it', async () => {
    const director = (await t.request('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body.id;
    const acknowledged: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop && i < 200; i++) {
        const r = await t.request('POST', '/api/documents/outgoing', {
          as: 'snv.cv',
          body: { typeCode: 'CV', subject: `Công văn đang soạn số ${i}`, signerId: director },
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        acknowledged.push(r.body.id);
      }
    })();
    while (acknowledged.length < 3) await new Promise((r) => setTimeout(r, 20));
    // a task completed while the backup runs
    const review = completeTask(t, 'snv.tp', seeded.documents.toReview, 'review', { decision: 'approve' });
    const before = [...acknowledged];
    full = await take('full');
    stop = true;
    await Promise.all([writer, review]);
    assert.equal(full.manifest.kind, 'full');
    assert.ok(acknowledged.length > before.length || full.manifest.parts.length > 0);

    const db = await target();
    const report = await restoreBackup({ backup: full.dir, target: targetConfig(db), key: null });
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
    assert.ok(report.counts.document >= before.length + 6, JSON.stringify(report.counts));
    assert.ok(report.auditEntries > 0 && report.filesChecked >= 3, JSON.stringify(report));
    const stored = storeObjects(t.config.storageDir);
    assert.ok(report.contentObjects >= 3 && report.contentObjects <= stored.size);

    const r = await startTestApp({ db });
    try {
      for (const id of before)
        assert.equal((await r.request('GET', `/api/documents/${id}`, { as: 'snv.cv' })).status, 200, id);
      // every PDF byte for byte: the issued (signed) one and the incoming letters
      for (const id of [seeded.documents.issued, seeded.documents.toDirect, seeded.documents.toHandle]) {
        const pdf = async (a: TestApp) =>
          Buffer.from(
            await (
              await fetch(`${a.url}/api/documents/${id}/pdf`, {
                headers: { authorization: `Bearer ${await a.token('snv.giamdoc')}` },
              })
            ).arrayBuffer(),
          );
        const [a, b] = [await pdf(t), await pdf(r)];
        assert.ok(
          a.length > 500 && a.equals(b),
          `PDF of ${id}: ${a.length} ${b.length} ${a.subarray(0, 200).toString()} / ${b.subarray(0, 200).toString()}`,
        );
      }
      const verify = await r.request('GET', '/api/audit/verify', { as: 'admin' });
      assert.equal(verify.body.ok, true, JSON.stringify(verify.body));
      // the restored server continues the instance waiting for the director's signature; the number follows on
      const issued = (await r.request('GET', `/api/documents/${seeded.documents.issued}`, { as: 'snv.cv' })).body;
      await completeTask(r, 'snv.giamdoc', seeded.documents.toSign, 'sign', {
        decision: 'approve',
        pin: DEMO_PASSWORD,
      });
      await completeTask(r, 'snv.vanthu', seeded.documents.toSign, 'agencySign', { pin: DEMO_PASSWORD });
      let next: { status: string; number?: string } = { status: '' };
      for (let i = 0; i < 100 && next.status !== 'issued' && next.status !== 'filed'; i++) {
        await new Promise((res) => setTimeout(res, 100));
        next = (await r.request('GET', `/api/documents/${seeded.documents.toSign}`, { as: 'snv.cv' })).body;
      }
      assert.equal(Number(next.number), Number(issued.number) + 1, JSON.stringify(next));
    } finally {
      await r.app.close();
    }
  });

  it('an incremental backup copies only the new content; full + incrementals restore what a fresh full does', async () => {
    const inFull = new Set(full.manifest.parts.filter((p) => p.kind === 'content').map((p) => p.object!));
    const form = new FormData();
    for (const [k, v] of Object.entries({
      senderName: 'Sở Tài chính',
      originalNumber: '99/STC',
      originalDate: '2026-01-05',
      typeCode: 'CV',
      subject: 'Công văn mới sau bản sao lưu đầy đủ',
    }))
      form.append(k, v);
    const pdf = readFileSync(
      join(t.config.storageDir, ...pathOf([...inFull].find((s) => storeObjects(t.config.storageDir).has(s))!)),
    );
    form.append(
      'file',
      new Blob([Buffer.concat([pdf, Buffer.from('\n%new letter\n')])], { type: 'application/pdf' }),
      'x.pdf',
    );
    const up = await fetch(`${t.url}/api/documents/incoming`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('snv.vanthu')}` },
      body: form,
    });
    assert.equal(up.status, 201, await up.text());
    await new Promise((r) => setTimeout(r, 300));

    const inc = await take('incremental');
    assert.equal(inc.manifest.kind, 'incremental');
    assert.equal(inc.manifest.parent, full.manifest.id);
    const fresh = [...storeObjects(t.config.storageDir)].filter(([s]) => !inFull.has(s));
    assert.ok(fresh.length >= 1);
    const copied = inc.manifest.parts.filter((p) => p.kind === 'content');
    assert.deepEqual(copied.map((p) => p.object).sort(), fresh.map(([s]) => s).sort());
    assert.equal(
      inc.contentNewBytes,
      fresh.reduce((n, [, size]) => n + size, 0),
    );
    const contentBytes = (m: BackupResult) =>
      m.manifest.parts.filter((p) => p.kind === 'content').reduce((n, p) => n + p.size, 0);
    assert.ok(contentBytes(inc) < contentBytes(full), `${contentBytes(inc)} < ${contentBytes(full)}`);

    const otherDir = tempDir('hoso-backups-fresh-');
    const again = await take('full', otherDir);
    const [a, b] = [await target(), await target()];
    const ra = await restoreBackup({ backup: inc.dir, target: targetConfig(a), key: null });
    const rb = await restoreBackup({ backup: again.dir, target: targetConfig(b), key: null });
    assert.deepEqual(ra.problems, []);
    assert.deepEqual(rb.problems, []);
    assert.deepEqual(ra.chain, [full.manifest.id, inc.manifest.id]);
    assert.deepEqual(
      new Set(storeObjects(targetConfig(a).storageDir).keys()),
      new Set(storeObjects(targetConfig(b).storageDir).keys()),
    );
    const [da, dbb] = [await dumpTables(targetConfig(a).database), await dumpTables(targetConfig(b).database)];
    for (const table of Object.keys(dbb)) assert.deepEqual(da[table], dbb[table], `table ${table}`);
    rmSync(otherDir, { recursive: true, force: true });
  });

  it('a corrupted part is refused, the part named, and nothing is written', async () => {
    const copy = join(tempDir('hoso-corrupt-'), full.manifest.id);
    cpSync(full.dir, copy, { recursive: true });
    const part = join(copy, 'db', 'document.jsonl.gz');
    const bytes = readFileSync(part);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(part, bytes);
    const db = await target();
    const report = await restoreBackup({ backup: copy, target: targetConfig(db), key: null });
    assert.equal(report.ok, false);
    assert.equal(report.written, false);
    assert.ok(
      report.problems.some((p) => p.includes('db/document.jsonl.gz') && p.includes('sha256')),
      report.problems.join('\n'),
    );
    assert.equal(await tablesIn(db), 0);
    assert.equal(storeObjects(targetConfig(db).storageDir).size, 0);
  });

  it('a tampered manifest, a path out of the backup, a symlinked part are refused before anything is written', async () => {
    const root = tempDir('hoso-tamper-');
    const copy = join(root, full.manifest.id);
    cpSync(full.dir, copy, { recursive: true });
    const manifestFile = join(copy, 'manifest.json');
    const original = readFileSync(manifestFile, 'utf8');
    const m = JSON.parse(original);
    const db = await target();
    const attempt = async () => restoreBackup({ backup: copy, target: targetConfig(db), key: null });

    m.parts[0].path = '../../../../etc/passwd';
    writeFileSync(manifestFile, JSON.stringify(m));
    let r = await attempt();
    assert.ok(
      r.problems.some((p) => p.includes('unsafe path')),
      r.problems.join('\n'),
    );

    const content = JSON.parse(original);
    const c = content.parts.find((p: { kind: string }) => p.kind === 'content');
    c.sha256 = 'f'.repeat(64);
    writeFileSync(manifestFile, JSON.stringify(content));
    r = await attempt();
    assert.ok(
      r.problems.some((p) => p.includes(c.path) && p.includes('sha256')),
      r.problems.join('\n'),
    );

    writeFileSync(manifestFile, original);
    const target0 = JSON.parse(original).parts.find((p: { kind: string }) => p.kind === 'table');
    unlinkSync(join(copy, target0.path));
    symlinkSync('/etc/hostname', join(copy, target0.path));
    r = await attempt();
    assert.ok(
      r.problems.some((p) => p.includes(target0.path) && p.includes('not a regular file')),
      r.problems.join('\n'),
    );

    writeFileSync(manifestFile, '{"format":"hoso-backup/1"');
    r = await attempt();
    assert.ok(r.problems.some((p) => p.includes('not JSON')));
    assert.equal(r.written, false);
    assert.equal(await tablesIn(db), 0);
    rmSync(root, { recursive: true, force: true });
  });

  it('an encrypted backup restores only under its key, and its manifest cannot be altered', async () => {
    const dir = tempDir('hoso-backups-enc-');
    const key = Buffer.alloc(32, 7);
    const enc = await take('full', dir, key);
    assert.equal(enc.manifest.encrypted, true);
    const table = readFileSync(join(enc.dir, 'db', 'user.jsonl.gz'));
    assert.ok(!table.includes(Buffer.from('snv.giamdoc')) && table.subarray(0, 8).toString() === 'HOSOENC1');
    const db = await target();
    const cfg = targetConfig(db);
    assert.ok(
      (await restoreBackup({ backup: enc.dir, target: cfg, key: null })).problems[0].includes('BACKUP_ENCRYPTION_KEY'),
    );
    const wrong = await restoreBackup({ backup: enc.dir, target: cfg, key: Buffer.alloc(32, 8) });
    assert.ok(wrong.problems[0].includes('not authenticated'), wrong.problems.join('\n'));
    const manifestFile = join(enc.dir, 'manifest.json');
    const original = readFileSync(manifestFile, 'utf8');
    writeFileSync(manifestFile, original.replace('"encrypted": true', '"encrypted": false'));
    assert.ok((await restoreBackup({ backup: enc.dir, target: cfg, key })).problems[0].includes('not authenticated'));
    writeFileSync(manifestFile, original);
    assert.equal(await tablesIn(db), 0);
    const ok = await restoreBackup({ backup: enc.dir, target: cfg, key });
    assert.deepEqual(ok.problems, []);
    rmSync(dir, { recursive: true, force: true });
  });
});

function pathOf(sha: string): string[] {
  return [sha.slice(0, 2), sha.slice(2, 4), sha];
}
