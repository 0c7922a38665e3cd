import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { detectDatabaseFlavor, loadConfig } from '../../../config/app-config.js';
import { lockBackups, unlockBackups, writeStatus, type BackupStatus } from '../backup-status.js';
import { takeBackup } from '../backup-writer.js';

/**
 * `npm run backup [-- --incremental]`: one backup now, while the server may be running (the database is read in
 * one consistent snapshot). Shares the server's lock (never two runs at once) and its last-run status (the web
 * app shows this run too). Exit 0 with the backup's id, size and duration as JSON; 1 with the reason otherwise.
 */
async function main(): Promise<void> {
  Logger.overrideLogger(['error', 'warn']);
  const app = await detectDatabaseFlavor(loadConfig());
  const kind = process.argv.includes('--incremental') ? 'incremental' : 'full';
  const dir = app.backup.dir;
  if (!(await lockBackups(dir))) throw new Error(`another backup is running (lock in ${dir})`);
  const status: BackupStatus = {
    state: 'running',
    kind,
    trigger: 'command',
    startedAt: new Date().toISOString(),
    attempt: 1,
  };
  const t0 = Date.now();
  try {
    await writeStatus(dir, status);
    const r = await takeBackup({ app, backup: app.backup, kind });
    Object.assign(status, {
      state: 'ok',
      id: r.manifest.id,
      kind: r.manifest.kind,
      sizeBytes: r.size,
      newContentBytes: r.contentNewBytes,
    });
    console.log(
      JSON.stringify({
        id: r.manifest.id,
        kind: r.manifest.kind,
        dir: r.dir,
        bytes: r.size,
        durationMs: r.manifest.durationMs,
        tables: r.manifest.parts.filter((p) => p.kind === 'table').length,
        rows: r.manifest.parts.reduce((n, p) => n + (p.rows ?? 0), 0),
        newContent: r.contentNew,
        newContentBytes: r.contentNewBytes,
      }),
    );
  } catch (e) {
    Object.assign(status, { state: 'failed', error: (e as Error).message.slice(0, 500) });
    throw e;
  } finally {
    status.finishedAt = new Date().toISOString();
    status.durationMs = Date.now() - t0;
    await writeStatus(dir, status).catch(() => undefined);
    await unlockBackups(dir);
  }
}

main().catch((e) => {
  console.error(`backup FAILED: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
