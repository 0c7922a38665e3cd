import 'reflect-metadata';
import type { Server as HttpServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { detectDatabaseFlavor, type AppConfig } from './config/app-config.js';
import type { CoreOverrides } from './common/core.module.js';
import { DomainError } from './common/domain-error.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { runMigrations } from './database/migrator.js';
import { analyzeStaleTables } from './database/sqlite-statistics.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { StartupService } from './modules/startup/startup.service.js';

export const FRONTEND_DIST = join(__dirname, '..', '..', 'frontend', 'dist');

function flattenErrors(errors: ValidationError[], prefix = ''): { field: string; constraints: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, constraints: Object.values(e.constraints) }] : [];
    return [...own, ...flattenErrors(e.children ?? [], field)];
  });
}

/**
 * A key that names a property every object inherits (`toString`, `constructor`, `__proto__`…): class-transformer
 * leaves it out of the DTO (it would shadow an inherited function), so whitelisting never sees it and the body
 * passed as if the key were absent. Such a key is refused like any other undeclared one.
 */
function inheritedKey(value: unknown, path: string, depth = 0): string | null {
  // parsed JSON only (plain objects and arrays), never a raw upload's Buffer
  if (!value || typeof value !== 'object' || depth > 8) return null;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return null;
  for (const [k, v] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    if (!Array.isArray(value) && k in Object.prototype) return here;
    const nested = inheritedKey(v, here, depth + 1);
    if (nested) return nested;
  }
  return null;
}

class HosoValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const field = inheritedKey(value, '');
      if (field)
        throw new DomainError(
          'VALIDATION_FAILED',
          'bad-request',
          { fields: field },
          { errors: [{ field, constraints: [`property ${field} should not exist`] }] },
        );
    }
    return super.transform(value, metadata);
  }
}

export function validationPipe(): ValidationPipe {
  return new HosoValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = flattenErrors(errors);
      return new DomainError(
        'VALIDATION_FAILED',
        'bad-request',
        { fields: list.map((e) => e.field).join(', ') },
        { errors: list },
      );
    },
  });
}

/**
 * Migrations run before Nest starts, in their own connection, so every module starts on the current schema (and,
 * on SQLite, with the planner's statistics: sqlite-statistics.ts).
 */
export async function migrate(config: AppConfig): Promise<void> {
  await detectDatabaseFlavor(config);
  const ds = new DataSource(dataSourceOptions(config.database));
  await ds.initialize();
  try {
    await runMigrations(ds);
    await analyzeStaleTables(ds);
  } finally {
    await ds.destroy();
  }
}

export async function createApp(
  config: AppConfig,
  overrides: CoreOverrides = {},
  opts: { logger?: false | ('error' | 'warn' | 'log')[] } = {},
): Promise<NestExpressApplication> {
  await migrate(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, overrides), {
    logger: opts.logger ?? ['error', 'warn', 'log'],
    bodyParser: false,
  });
  // X-Forwarded-For names the client (login throttling) only when it comes from a configured proxy (TRUST_PROXY):
  // anyone else could name a fresh client with every guess
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // API answers are computed per request anyway: no SHA-1 of every JSON body for an ETag nobody revalidates
  // (static assets keep theirs: serve-static sets its own)
  app.set('etag', false);
  app.useBodyParser('json', { limit: '2mb' });
  app.useBodyParser('text', { type: ['text/csv', 'text/plain', 'application/xml', 'text/xml'], limit: '10mb' });
  app.useBodyParser('urlencoded', { extended: false, limit: '1mb' });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });

  const swagger = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('hoso API')
      .setDescription('Văn bản, hồ sơ công việc và quy trình BPMN')
      .setVersion('0.1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, swagger, { jsonDocumentUrl: 'api/docs-json' });

  if (existsSync(join(FRONTEND_DIST, 'index.html'))) serveWebApp(app);
  else new Logger('Web').warn(`frontend not built (${FRONTEND_DIST}); run "npm run build:web"`);
  await app.init();
  keepIdleConnections(app.getHttpServer() as HttpServer);
  await app.get(StartupService).ready;
  return app;
}

/**
 * The built web app: Vite puts every file but index.html under assets/ with its content hash in its name, so
 * those are cached for a year as immutable, and only that prefix reaches the file system — an API request never
 * stats a file (it did, on every GET: a thread-pool round trip per request) and no file can shadow an API path. A
 * missing asset is a 404, not the page (a page still open from before a deployment then reloads its chunks instead
 * of parsing HTML as JavaScript). Every other GET outside /api is the single-page app's index.html, not cached.
 */
function serveWebApp(app: NestExpressApplication): void {
  app.useStaticAssets(join(FRONTEND_DIST, 'assets'), {
    prefix: '/assets',
    index: false,
    immutable: true,
    maxAge: '365d',
    fallthrough: false,
  });
  const indexHtml = readFileSync(join(FRONTEND_DIST, 'index.html'));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(indexHtml);
  });
}

/**
 * Idle keep-alive connections stay open 65 s (Node's own: 5 s). A client that sends on a connection just as the
 * server closes it gets a reset — a reverse proxy answers 502, the load benchmark counted an error — and proxies
 * keep idle upstream connections up to 60 s (nginx, most load balancers), so the server must keep them longer.
 */
export const KEEP_ALIVE_MS = 65_000;
function keepIdleConnections(server: HttpServer): void {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000; // above it, as is usual behind a proxy
}
