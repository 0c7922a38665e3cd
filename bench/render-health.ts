import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, login, RESULTS_DIR, startServer, type BenchDb } from './support/server.js';

/**
 * npm run bench:render-health: /api/health latency while long documents' PDF previews are rendered. The probe
 * that found issue 22: a 177,000-character body took 4.4–5.4 s per GET /api/documents/:id/pdf, four at once 15 s,
 * and /api/health waited 4 s meanwhile. Measured here: health alone, health during BENCH_PARALLEL (4) first
 * renders of distinct documents, the renders' times, and the same PDFs asked for again (kept in the store).
 * A fresh SQLite server (demo data only), HTTP_WORKERS=1 so every request meets the renders in one process.
 */
const CHARS = Number(process.env.BENCH_BODY_CHARS ?? 177_000);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 4);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
};
const stats = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: pct(xs, 100) });

async function healthWhile(url: string, running: () => boolean): Promise<number[]> {
  const out: number[] = [];
  do {
    const t = performance.now();
    await fetch(`${url}/api/health`).then((r) => r.arrayBuffer());
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  } while (running());
  return out;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hoso-render-bench-'));
  const db = { dataDir, databaseUrl: `sqlite:${join(dataDir, 'hoso.sqlite')}`, driver: 'sqlite' } as BenchDb;
  const server = await startServer(db, { HTTP_WORKERS: '1', SEED_DEMO_WORK: 'false' });
  try {
    const token = await login(server.url, 'snv.cv');
    const me = await api(server.url, await login(server.url, 'snv.giamdoc'), 'GET', '/api/auth/me');
    const paragraph = 'Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về công tác văn thư, lưu trữ năm 2026. ';
    const body = Array.from({ length: Math.ceil(CHARS / paragraph.length / 8) }, () => paragraph.repeat(8))
      .join('\n\n')
      .slice(0, CHARS);
    const ids: string[] = [];
    for (let i = 0; i < PARALLEL; i++) {
      const r = await api(server.url, token, 'POST', '/api/documents/outgoing', {
        typeCode: 'CV',
        subject: `Văn bản dài ${i + 1}`,
        body,
        signerId: me.body.id,
      });
      if (r.status !== 201) throw new Error(`draft: ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.id);
    }
    const idle = await healthWhile(
      server.url,
      (() => {
        let n = 0;
        return () => ++n < 50;
      })(),
    );
    const getPdf = async (id: string) => {
      const t = performance.now();
      const r = await fetch(`${server.url}/api/documents/${id}/pdf`, { headers: { authorization: `Bearer ${token}` } });
      const bytes = (await r.arrayBuffer()).byteLength;
      return { status: r.status, ms: Math.round(performance.now() - t), bytes };
    };
    let rendering = true;
    const healthProbe = healthWhile(server.url, () => rendering);
    const firstRenders = await Promise.all(ids.map(getPdf));
    rendering = false;
    const duringRenders = await healthProbe;
    const cached = await Promise.all(ids.map(getPdf));
    const result = {
      benchmark: 'render-health',
      at: new Date().toISOString(),
      conditions: { bodyChars: CHARS, parallel: PARALLEL, httpWorkers: 1, database: 'sqlite' },
      healthIdleMs: stats(idle),
      healthDuringRendersMs: stats(duringRenders),
      firstRenders,
      againFromStore: cached,
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'render-health.json'), JSON.stringify(result, null, 2));
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
