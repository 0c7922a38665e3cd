import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * INSERT / UPDATE by primary key for hot paths (the workflow engine writes several rows per step), built from
 * the entity's own metadata and encoded by the driver exactly as TypeORM's query builder would (transformers,
 * dates, JSON), but without building the statement anew each time: the SQL text is cached per table, column set
 * and row count. Runs on the caller's manager, so it joins the caller's transaction. Column values that are
 * `undefined` are left out (the column's default applies), as TypeORM does.
 */
const sqlCache = new Map<string, string>();

/** The driver's own encoding (it applies the column's transformer first). */
function encode(m: EntityManager, c: ColumnMetadata, value: unknown): unknown {
  return m.connection.driver.preparePersistentValue(value, c);
}

function columnsOf(m: EntityManager, target: EntityTarget<ObjectLiteral>, row: ObjectLiteral): ColumnMetadata[] {
  return m.connection
    .getMetadata(target)
    .columns.filter((c) => !c.isVirtual && !c.isGenerated && row[c.propertyName] !== undefined);
}

export async function fastInsert<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  rows: Partial<T>[],
): Promise<void> {
  if (!rows.length) return;
  const meta = m.connection.getMetadata(target);
  const columns = columnsOf(m, target, rows[0]);
  const key = `i|${meta.tableName}|${columns.map((c) => c.propertyName).join(',')}|${rows.length}`;
  let sql = sqlCache.get(key);
  if (!sql) {
    const q = (n: string) => m.connection.driver.escape(n);
    const one = `(${columns.map(() => '?').join(',')})`;
    sql = `INSERT INTO ${q(meta.tableName)} (${columns.map((c) => q(c.databaseName)).join(',')}) VALUES ${rows
      .map(() => one)
      .join(',')}`;
    sqlCache.set(key, sql);
  }
  const params: unknown[] = [];
  for (const row of rows) for (const c of columns) params.push(encode(m, c, (row as ObjectLiteral)[c.propertyName]));
  await m.query(sql, params);
}

/** UPDATE … SET … WHERE <primary key> = ? (single-column primary keys). */
export async function fastUpdate<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  id: string,
  values: Partial<T>,
): Promise<void> {
  const meta = m.connection.getMetadata(target);
  const columns = columnsOf(m, target, values);
  const pk = meta.primaryColumns[0];
  const key = `u|${meta.tableName}|${columns.map((c) => c.propertyName).join(',')}`;
  let sql = sqlCache.get(key);
  if (!sql) {
    const q = (n: string) => m.connection.driver.escape(n);
    sql = `UPDATE ${q(meta.tableName)} SET ${columns.map((c) => `${q(c.databaseName)} = ?`).join(', ')} WHERE ${q(pk.databaseName)} = ?`;
    sqlCache.set(key, sql);
  }
  const params = columns.map((c) => encode(m, c, (values as ObjectLiteral)[c.propertyName]));
  params.push(encode(m, pk, id));
  await m.query(sql, params);
}

/**
 * SELECT <columns> FROM … WHERE <primary key> = ? [FOR UPDATE], hydrated as TypeORM hydrates (the driver's
 * decoding, then the column's transformer) into an instance of the entity: for reads by id on hot paths, where
 * building a query builder costs more than the query (measured: a task completion made five such reads).
 * `lock`: FOR UPDATE on MySQL/MariaDB; on SQLite the caller's write transaction already excludes other writers.
 */
export async function fastFindById<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  id: string,
  opts: { lock?: boolean; columns?: (keyof T & string)[] } = {},
): Promise<T | null> {
  const meta = m.connection.getMetadata(target);
  const lock = !!opts.lock && m.connection.options.type !== 'better-sqlite3';
  const columns = opts.columns
    ? opts.columns.map((p) => meta.findColumnWithPropertyName(p)!)
    : meta.columns.filter((c) => !c.isVirtual);
  const pk = meta.primaryColumns[0];
  const key = `s|${meta.tableName}|${opts.columns?.join(',') ?? '*'}|${lock}`;
  let sql = sqlCache.get(key);
  if (!sql) {
    const q = (n: string) => m.connection.driver.escape(n);
    sql = `SELECT ${columns.map((c) => q(c.databaseName)).join(', ')} FROM ${q(meta.tableName)} WHERE ${q(
      pk.databaseName,
    )} = ?${lock ? ' FOR UPDATE' : ''}`;
    sqlCache.set(key, sql);
  }
  const rows: Record<string, unknown>[] = await m.query(sql, [encode(m, pk, id)]);
  return hydrate(m, target, rows, columns)[0] ?? null;
}

/**
 * A page of rows in one statement: `page` selects the page's ids (a column named `id`, with its own filters, order
 * and limit, written over the alias `d`), joined here on the primary key to the rows' `columns` and put in
 * `orderBy` order (over `d`, the row itself; rows that tie in it may come in either order), hydrated as
 * fastFindById does. For a list whose page of ids comes from a covering index: one statement instead of the ids
 * and then their rows.
 */
export async function fastSelectPage<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  page: { sql: string; params: unknown[] },
  columnNames: (keyof T & string)[],
  orderBy: string,
): Promise<T[]> {
  const meta = m.connection.getMetadata(target);
  const columns = columnNames.map((p) => meta.findColumnWithPropertyName(p)!);
  const key = `p|${meta.tableName}|${columnNames.join(',')}`;
  let select = sqlCache.get(key);
  if (!select) {
    const q = (n: string) => m.connection.driver.escape(n);
    select = `SELECT ${columns.map((c) => `d.${q(c.databaseName)} AS ${q(c.databaseName)}`).join(', ')} FROM ${q(
      meta.tableName,
    )} d INNER JOIN`;
    sqlCache.set(key, select);
  }
  const pk = m.connection.driver.escape(meta.primaryColumns[0].databaseName);
  const rows: Record<string, unknown>[] = await m.query(
    `${select} (${page.sql}) p ON d.${pk} = p.id ORDER BY ${orderBy}`,
    page.params,
  );
  return hydrate(m, target, rows, columns);
}

/**
 * SELECT <these columns> of a query builder's own query (its filters, order and limit), hydrated as
 * fastFindById hydrates: for lists of many rows, where TypeORM's entity transformer costs more than the query.
 * The builder's selection is replaced by the columns; its main alias must be the entity's.
 */
export async function fastSelect<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  qb: SelectQueryBuilder<ObjectLiteral>,
  columnNames: (keyof T & string)[],
): Promise<T[]> {
  const meta = m.connection.getMetadata(target);
  const columns = columnNames.map((p) => meta.findColumnWithPropertyName(p)!);
  qb.select(`${qb.alias}.${columns[0].databaseName}`, columns[0].databaseName);
  for (const c of columns.slice(1)) qb.addSelect(`${qb.alias}.${c.databaseName}`, c.databaseName);
  const [sql, params] = qb.getQueryAndParameters();
  return hydrate(m, target, await m.query(sql, params), columns);
}

/** Rows keyed by column name into entities: the driver's decoding, then each column's transformer. */
function hydrate<T extends ObjectLiteral>(
  m: EntityManager,
  target: EntityTarget<T>,
  rows: Record<string, unknown>[],
  columns: ColumnMetadata[],
): T[] {
  const meta = m.connection.getMetadata(target);
  const driver = m.connection.driver;
  return rows.map((row) => {
    const entity = meta.create() as T;
    for (const c of columns) c.setEntityValue(entity, driver.prepareHydratedValue(row[c.databaseName], c));
    return entity;
  });
}
