import { schemaDiff } from './schema-diff.js';

schemaDiff(process.argv[2] || undefined)
  .then((d) => process.stdout.write(JSON.stringify(d)))
  .catch((e) => {
    console.error(e);
    process.exit(2);
  });
