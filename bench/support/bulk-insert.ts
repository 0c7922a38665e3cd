import type { DataSource, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * Fast multi-row INSERTs driven by the entities' own metadata, so generated rows always match the real schema
 * of the module that owns the table: the generator gives the columns it means (by property name) and every
 * other column gets its default, NULL, or a neutral value of its type (a unique column without a value gets
 * the row id). Rows are flushed in batches inside transactions.
 */
export class TableWriter {
  private readonly columns: ColumnMetadata[];
  private readonly uniqueProps: Set<string>;
  private readonly batchRows: number;
  private buffer: unknown[][] = [];
  written = 0;

  constructor(
    private readonly ds: DataSource,
    readonly meta: EntityMetadata,
    private readonly onFlush: (sql: string, params: unknown[]) => Promise<void>,
  ) {
    this.columns = meta.columns.filter((c) => !c.isVirtual && !c.isGenerated);
    this.uniqueProps = new Set(
      meta.indices.filter((i) => i.isUnique && i.columns.length === 1).map((i) => i.columns[0].propertyName),
    );
    const maxVars = ds.options.type === 'mysql' ? 60000 : 32000;
    this.batchRows = Math.max(1, Math.min(2000, Math.floor(maxVars / this.columns.length)));
  }

  get table(): string {
    return this.meta.tableName;
  }

  private neutral(c: ColumnMetadata, row: Record<string, unknown>): unknown {
    if (c.default !== undefined && typeof c.default !== 'function') return c.default;
    if (c.isNullable) return null;
    if (this.uniqueProps.has(c.propertyName)) return String(row.id ?? this.written);
    const type = String(c.type).toLowerCase();
    if (/int|float|double|decimal|numeric|real/.test(type)) return 0;
    if (/bool/.test(type)) return false;
    if (/date|time/.test(type)) return new Date(0);
    if (c.transformer) return []; // JSON columns: an empty list is the neutral value of every list column
    return '';
  }

  async add(row: Record<string, unknown>): Promise<void> {
    const values = this.columns.map((c) => {
      const v = c.propertyName in row ? row[c.propertyName] : this.neutral(c, row);
      // the driver applies the column's transformer (JSON columns) itself, as on an entity save
      return this.ds.driver.preparePersistentValue(v, c);
    });
    this.buffer.push(values);
    if (this.buffer.length >= this.batchRows) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    const q = (n: string) => this.ds.driver.escape(n);
    const placeholders = `(${this.columns.map(() => '?').join(',')})`;
    const sql = `INSERT INTO ${q(this.table)} (${this.columns.map((c) => q(c.databaseName)).join(',')}) VALUES ${rows
      .map(() => placeholders)
      .join(',')}`;
    await this.onFlush(sql, rows.flat());
    this.written += rows.length;
  }
}

/**
 * Owns one connection and a running transaction that is committed every `commitEvery` rows, so a
 * million-row seed neither holds one giant transaction nor pays a commit per batch.
 */
export class BulkSession {
  private readonly runner;
  private sinceCommit = 0;
  private readonly writers = new Map<string, TableWriter>();

  constructor(
    private readonly ds: DataSource,
    private readonly commitEvery = 50_000,
  ) {
    this.runner = ds.createQueryRunner();
  }

  async begin(): Promise<void> {
    await this.runner.connect();
    if (this.ds.options.type === 'mysql') {
      await this.runner.query('SET SESSION unique_checks = 0');
      await this.runner.query('SET SESSION foreign_key_checks = 0');
    }
    await this.runner.query(this.ds.options.type === 'mysql' ? 'START TRANSACTION' : 'BEGIN');
  }

  writer(tableName: string): TableWriter {
    let w = this.writers.get(tableName);
    if (!w) {
      const meta = this.ds.entityMetadatas.find((m) => m.tableName === tableName);
      if (!meta) throw new Error(`no entity maps table ${tableName} (is its module built?)`);
      w = new TableWriter(this.ds, meta, async (sql, params) => {
        await this.runner.query(sql, params);
        this.sinceCommit += params.length / meta.columns.length;
        if (this.sinceCommit >= this.commitEvery) {
          await this.runner.query('COMMIT');
          await this.runner.query(this.ds.options.type === 'mysql' ? 'START TRANSACTION' : 'BEGIN');
          this.sinceCommit = 0;
        }
      });
      this.writers.set(tableName, w);
    }
    return w;
  }

  has(tableName: string): boolean {
    return this.ds.entityMetadatas.some((m) => m.tableName === tableName);
  }

  async add(tableName: string, row: Record<string, unknown>): Promise<void> {
    await this.writer(tableName).add(row);
  }

  async end(): Promise<Record<string, number>> {
    for (const w of this.writers.values()) await w.flush();
    await this.runner.query('COMMIT');
    await this.runner.release();
    return Object.fromEntries([...this.writers].map(([k, w]) => [k, w.written]));
  }
}
