import 'reflect-metadata';
import { detectDatabaseFlavor, loadConfig } from '../../../config/app-config.js';
import { takeBackup } from '../backup-writer.js';

/**
 * `npm run backup [-- --incremental]`: one backup now, while the server may be running (the database is read in
 * one consistent snapshot). Exit 0 and the backup's id, size and duration; 1 with the reason otherwise.
 */
async function main(): Promise<void> {
  const app = await detectDatabaseFlavor(loadConfig());
  const backup = app.backup;
  const kind = process.argv.includes('--incremental') ? 'incremental' : 'full';
  const r = await takeBackup({ app, backup, kind });
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
}

main().catch((e) => {
  console.error(`backup FAILED: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
