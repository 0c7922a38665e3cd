import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './bootstrap.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`hoso: ${e.message}\nSee README.md "Configuration".`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  new Logger('hoso').log(
    `serving http://localhost:${config.port} (API docs: /api/docs, database: ${config.database.type}, engine: ${config.workflowEngine})`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
