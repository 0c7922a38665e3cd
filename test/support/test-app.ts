import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import type { Clock } from '../../src/common/clock.js';

export const DEMO_PASSWORD = 'hoso-demo';
export const isMysql = /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  url: string;
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  /** Bearer token of a demo user (cached per app). */
  token(username: string): Promise<string>;
  /** JSON request; `as` logs in as that demo user first. */
  request<T = any>(
    method: string,
    path: string,
    opts?: {
      as?: string;
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
      raw?: string | Buffer | Uint8Array;
    },
  ): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * A fresh database for one test file — SQLite file in a temp DATA_DIR, or a new MariaDB database when
 * DATABASE_URL points at MySQL/MariaDB — with migrations applied by the app itself.
 */
export async function freshDatabase(): Promise<{ dataDir: string; databaseUrl: string; drop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-test-'));
  if (!isMysql) {
    return {
      dataDir,
      databaseUrl: `sqlite:${join(dataDir, 'hoso.sqlite')}`,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const base = process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:');
  const name = `hoso_t_${randomBytes(5).toString('hex')}`;
  const admin = new DataSource({ type: 'mysql', url: base });
  await admin.initialize();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.destroy();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    dataDir,
    databaseUrl: u.toString(),
    drop: async () => {
      const a = new DataSource({ type: 'mysql', url: base });
      await a.initialize();
      await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startTestApp(
  opts: { clock?: Clock; env?: Record<string, string>; db?: Awaited<ReturnType<typeof freshDatabase>> } = {},
): Promise<TestApp> {
  const db = opts.db ?? (await freshDatabase());
  const config = loadConfig({
    ...process.env,
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.databaseUrl,
    SEED_DEMO: 'true',
    DEMO_PASSWORD,
    NODE_ENV: 'test',
    PORT: '0',
    ...opts.env,
  });
  const app = await createApp(
    config,
    { clock: opts.clock },
    { logger: process.env.TEST_LOG ? ['error', 'warn', 'log'] : ['error'] },
  );
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const tokens = new Map<string, string>();

  const request = async <T>(
    method: string,
    path: string,
    o: Parameters<TestApp['request']>[2] = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token ?? (o.as ? await testApp.token(o.as) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined = o.raw;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  };

  const testApp: TestApp = {
    url,
    app,
    config,
    dataSource: app.get(DataSource),
    async token(username: string) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await request<{ accessToken: string }>('POST', '/api/auth/login', {
        body: { username, password: DEMO_PASSWORD },
      });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, res.body.accessToken);
      return res.body.accessToken;
    },
    request,
    async close() {
      await app.close();
      await db.drop();
    },
  };
  return testApp;
}
