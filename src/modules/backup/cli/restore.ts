import 'reflect-metadata';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { detectDatabaseFlavor, loadConfig } from '../../../config/app-config.js';
import { restoreBackup, type RestoreReport } from '../restore.js';

/**
 * `npm run restore -- <backup directory> [--json]` into the empty database and data directory this environment
 * names (DATA_DIR, DATABASE_URL, STORAGE_DIR): a SQLite backup restores into MariaDB and back. Prints a report;
 * exit 0 only when every check passed, 1 on any problem, 2 on a usage error.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const path = args.find((a) => !a.startsWith('--'));
  if (!path) {
    console.error('usage: npm run restore -- <backup directory> [--json]');
    process.exit(2);
  }
  // stdout carries the report only (--json is read by scripts); the migrations' log lines stay out of it
  Logger.overrideLogger(['error', 'warn']);
  const app = await detectDatabaseFlavor(loadConfig());
  const { key } = app.backup;
  const report = await restoreBackup({
    backup: resolve(path),
    target: app,
    key,
    log: args.includes('--json') ? undefined : (l) => console.error(l),
  });
  console.log(args.includes('--json') ? JSON.stringify(report) : formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
}

export function formatReport(r: RestoreReport): string {
  const lines = [
    `restore of ${r.backup} (chain: ${r.chain.join(' → ') || '—'}) from ${r.sourceDriver ?? '?'} into ${r.targetDriver}`,
    `${r.ok ? 'OK' : 'FAILED'} in ${(r.ms.total / 1000).toFixed(1)} s (checks of the backup ${r.ms.verify} ms, database ${r.ms.database} ms, content ${r.ms.content} ms, verification ${r.ms.checks} ms)`,
    `rows per object type:`,
    ...Object.entries(r.counts)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `  ${t.padEnd(36)} ${n}`),
    `stored files: ${r.contentObjects} (${r.contentBytes} bytes); named by records and verified: ${r.filesChecked}`,
    `audit entries verified: ${r.auditEntries}`,
  ];
  if (r.problems.length) lines.push(`PROBLEMS (${r.problems.length}):`, ...r.problems.map((p) => `  - ${p}`));
  if (!r.ok) lines.push(r.written ? 'the target is incomplete: discard it' : 'nothing was written');
  return lines.join('\n');
}

main().catch((e) => {
  console.error(`restore FAILED: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
