import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config.js';
import { servePrimaryAuth } from './modules/auth/cluster-channel.js';
import { LoginThrottle } from './modules/auth/login-throttle.js';
import { WriteTurnQueue } from './database/cluster-write-turns.js';
import { workerNodeFlags } from './config/worker-flags.js';

/** Env of a forked HTTP worker: its number (1 = the one that runs background work). */
const WORKER_INDEX = 'HOSO_HTTP_WORKER';
/** A worker's "my event loop turns" message to the primary (the hang watchdog). */
const HEARTBEAT = 'hoso.heartbeat';
const HEARTBEAT_MS = 1000;

async function serve(config: AppConfig): Promise<void> {
  // loaded here, not at the top: the cluster primary never loads the application (it stays ~50 MB)
  // sent from the event loop: when a request blocks it, the heartbeats stop and the primary replaces this worker
  if (process.send) setInterval(() => process.send?.({ type: HEARTBEAT }), HEARTBEAT_MS).unref();
  const { createApp } = await import('./bootstrap.js');
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  const worker = process.env[WORKER_INDEX];
  const { Logger } = await import('@nestjs/common');
  new Logger('hoso').log(
    `serving http://localhost:${config.port} (API docs: /api/docs, database: ${config.database.type}, engine: ${config.workflowEngine}` +
      (worker ? `, HTTP worker ${worker}${config.backgroundWork ? ' with background work' : ''})` : ')'),
  );
}

/**
 * The primary's log lines in the layout of Nest's Logger, without loading @nestjs/common (~20 MB of RSS in a
 * process that serves no request).
 */
function primaryLogger(context: string) {
  const line = (level: string, message: string) =>
    `[Nest] ${process.pid}  - ${new Date().toLocaleString('en-US')}     ${level} [${context}] ${message}`;
  return {
    log: (message: string) => console.log(line('LOG', message)),
    error: (message: string) => console.error(line('ERROR', message)),
  };
}

/**
 * HTTP_WORKERS > 1: this process is the cluster primary. It starts worker 1 (migrations, start-up steps,
 * recovery, schedulers, outbox: the background work) and, once it listens, the others with background work off
 * (their migrations find nothing pending, their start-up steps nothing to do); they share the port (the primary hands out connections round-robin). It also keeps the login throttle and
 * relays auth cache invalidations (modules/auth/cluster-channel.ts), and restarts a worker that dies.
 */
async function primary(config: AppConfig): Promise<void> {
  const logger = primaryLogger('cluster');
  const throttle = new LoginThrottle(config.loginMaxAttempts);
  const turns = new WriteTurnQueue();
  const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  let stopping = false;

  // The hang watchdog: a worker that serves but whose event loop stops turning (a runaway computation) is killed
  // and, like one that dies, started again. Watched from 'listening' on, so long start-up steps never count.
  const lastBeat = new Map<Worker, number>();
  setInterval(() => {
    const now = Date.now();
    for (const [w, at] of lastBeat)
      if (now - at > config.workerHangMs) {
        lastBeat.delete(w);
        logger.error(
          `HTTP worker ${w.id} (pid ${w.process.pid}) has not turned its event loop for ${Math.round((now - at) / 1000)} s ` +
            '(HTTP_WORKER_HANG_SECONDS): killing it',
        );
        w.process.kill('SIGKILL');
      }
  }, HEARTBEAT_MS).unref();

  const fork = (index: number): Promise<void> => {
    const w = cluster.fork({ [WORKER_INDEX]: String(index), HOSO_BACKGROUND_WORK: index === 1 ? 'true' : 'false' });
    servePrimaryAuth(throttle, w, live);
    turns.serve(w);
    w.on('message', (msg: { type?: string }) => {
      if (msg?.type === HEARTBEAT && lastBeat.has(w)) lastBeat.set(w, Date.now());
    });
    return new Promise((resolve, reject) => {
      let listening = false;
      w.once('listening', () => {
        listening = true;
        lastBeat.set(w, Date.now());
        resolve();
      });
      w.once('exit', (code, signal) => {
        lastBeat.delete(w);
        if (!listening) return reject(new Error(`HTTP worker ${index} exited during start-up (${signal ?? code})`));
        if (stopping) return;
        logger.error(`HTTP worker ${index} exited (${signal ?? code}); starting it again`);
        setTimeout(
          () =>
            void fork(index).catch((e) => {
              logger.error((e as Error).message);
              process.exit(1);
            }),
          1000,
        );
      });
    });
  };

  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      stopping = true;
      const workers = live();
      if (!workers.length) process.exit(0);
      let left = workers.length;
      for (const w of workers) {
        w.once('exit', () => --left === 0 && process.exit(0));
        w.process.kill(sig);
      }
    });

  // the workers' heap settings, unless given already (node flags or NODE_OPTIONS)
  cluster.setupPrimary({ execArgv: workerNodeFlags(config, process.execArgv, process.env.NODE_OPTIONS) });
  // one after the other: worker 1 runs the start-up steps (demo data, deployments, recovery) alone
  for (let i = 1; i <= config.httpWorkers; i++) await fork(i);
  logger.log(`${config.httpWorkers} HTTP workers on port ${config.port}`);
}

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
  if (cluster.isPrimary && config.httpWorkers > 1) await primary(config);
  else await serve(config);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
