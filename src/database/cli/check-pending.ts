import { schemaDiff } from './schema-diff.js';

/** CI check: after all migrations, the entities need no further schema change. */
schemaDiff()
  .then(({ up, driver }) => {
    if (up.length) {
      console.error(
        `pending schema changes on ${driver} (write a migration: npm run migration:generate -- <Name> [module path]):\n${up.join(';\n')}`,
      );
      process.exit(1);
    }
    console.log(`migrations up to date on ${driver}`);
  })
  .catch((e) => {
    console.error(e);
    process.exit(2);
  });
