import { Column, ColumnOptions } from 'typeorm';

/**
 * Column helpers that give the same schema on SQLite and MySQL/MariaDB.
 * The driver is known from DATABASE_URL when entity files are loaded (one driver per process).
 */
export const isMysqlProcess = (): boolean => /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');

/** A point in time with millisecond precision on both drivers (audit hashes depend on it). */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'datetime', ...(isMysqlProcess() ? { precision: 3 } : {}), ...options } as ColumnOptions);
}

/** Long text: TEXT on SQLite, MEDIUMTEXT on MySQL (engine states and XML exceed 64 KB). */
export function LongTextColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: isMysqlProcess() ? 'mediumtext' : 'text', ...options } as ColumnOptions);
}

/** JSON stored as text (portable), parsed on read. */
export function JsonColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({
    type: isMysqlProcess() ? 'mediumtext' : 'text',
    transformer: {
      to: (v: unknown) => (v === undefined ? null : JSON.stringify(v)),
      from: (v: string | null) => (v == null ? null : JSON.parse(v)),
    },
    ...options,
  } as ColumnOptions);
}

/** A uuid reference stored as varchar(36). */
export function IdColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 36, ...options } as ColumnOptions);
}
