import { useEffect, useState } from 'react';
import { get } from '../api.js';
import { FileLink } from '../components/file-link.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Link, Loading, Page, useLoad } from '../components/ui.js';
import { DateInput } from '../components/pickers.js';

interface Register {
  id: string;
  name: string;
  direction: string;
  series: string;
  year: number;
  lastNumber: number;
}

/** Registers (sổ đăng ký, Decree 30 appendix IV) with printable PDF and spreadsheet exports for a date range. */
export function RegistersPage() {
  const { t } = useI18n();
  const regs = useLoad(() => get<Register[]>('/api/registers'), []);
  const [sel, setSel] = useState<string>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // open on the register in use (this year's with the most entries, outgoing first) rather than on an empty page
  useEffect(() => {
    if (sel || !regs.data?.length) return;
    const year = Math.max(...regs.data.map((r) => r.year));
    const inUse = regs.data
      .filter((r) => r.year === year)
      .sort(
        (a, b) =>
          b.lastNumber - a.lastNumber || Number(a.direction === 'incoming') - Number(b.direction === 'incoming'),
      )[0];
    setSel(inUse.id);
  }, [regs.data, sel]);
  const range = new URLSearchParams();
  if (from) range.set('from', from);
  if (to) range.set('to', to);
  const entries = useLoad(
    () => (sel ? get<any>(`/api/registers/${sel}/entries?${range}`) : Promise.resolve(null)),
    [sel, from, to],
  );
  // The server sends the appendix IV columns of the register with the rows, in Vietnamese (the legal layout).
  const columns: { key: string; title: string }[] = entries.data?.columns ?? [];
  const rows: {
    number: number;
    numberText: string;
    documentId: string;
    entryDate: string;
    columns: Record<string, string>;
  }[] = entries.data?.items ?? [];
  const exp = (format: string) => `/api/registers/${sel}/export?format=${format}${range.size ? `&${range}` : ''}`;
  return (
    <Page title={t('registersTitle')}>
      <ErrorBox error={regs.error} onRetry={regs.reload} />
      {regs.loading && !regs.data && <Loading />}
      <div className="toolbar">
        <label htmlFor="reg">{t('registersTitle')}</label>
        <select id="reg" value={sel} onChange={(e) => setSel(e.target.value)}>
          <option value="">{t('chooseOption')}</option>
          {(regs.data ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.name} ({r.lastNumber})
            </option>
          ))}
        </select>
        <label htmlFor="from">{t('from')}</label>
        <DateInput id="from" value={from} onChange={(v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && setFrom(v)} />
        <label htmlFor="to">{t('to')}</label>
        <DateInput id="to" value={to} onChange={(v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && setTo(v)} />
      </div>
      {sel && (
        <p className="actions">
          <FileLink path={exp('pdf')} newTab>
            {t('exportPdf')}
          </FileLink>{' '}
          <FileLink path={exp('xlsx')}>{t('exportXlsx')}</FileLink>{' '}
          <FileLink path={exp('csv')}>{t('exportCsv')}</FileLink>
        </p>
      )}
      <ErrorBox error={entries.error} />
      {sel && entries.data && rows.length === 0 && <p className="muted">{t('noData')}</p>}
      {rows.length > 0 && (
        <div className="scroll-x">
          <table className="list" data-testid="register-entries">
            <thead>
              <tr>
                <th scope="col">#</th>
                {columns.map((c) => (
                  <th scope="col" key={c.key}>
                    {c.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.number}>
                  <td>
                    <Link to={`/documents/${r.documentId}`}>{r.numberText}</Link>
                  </td>
                  {columns.map((c) => (
                    <td key={c.key}>{r.columns?.[c.key] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
