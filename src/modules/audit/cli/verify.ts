import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { detectDatabaseFlavor, loadConfig } from '../../../config/app-config.js';
import { dataSourceOptions } from '../../../database/data-source-options.js';
import { AuditService } from '../audit.service.js';

/** `npm run audit:verify`: exit 0 when every chain is intact, 1 with the first broken entry otherwise. */
async function main(): Promise<void> {
  const config = await detectDatabaseFlavor(loadConfig());
  const ds = new DataSource(dataSourceOptions(config.database));
  await ds.initialize();
  try {
    const result = await AuditService.verify(ds);
    if (result.ok) {
      console.log(`audit log OK: ${result.checked} entries in ${result.chains} chains verified`);
    } else {
      const b = result.firstBroken!;
      console.error(`audit log BROKEN at entry #${b.id} (chain ${b.chain}): ${b.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
