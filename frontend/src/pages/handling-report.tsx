import { useEffect, useRef, useState } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { get } from '../api.js';
import { FileLink } from '../components/file-link.js';
import { useI18n } from '../i18n/index.js';
import { DateInput } from '../components/pickers.js';
import { ErrorBox, Loading, Page, useLoad, useMe } from '../components/ui.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

interface Row {
  key: string;
  name: string;
  total: number;
  onTime: number;
  late: number;
  open: number;
  openOverdue: number;
}
interface Report {
  direction: string;
  from: string;
  to: string;
  total: Omit<Row, 'key' | 'name'>;
  byUnit: Row[];
  byPerson: Row[];
}
interface FollowUpLine {
  id: string;
  arrivalNumber: number | null;
  identification: string;
  receiver: string;
  dueDate: string | null;
  state: string;
  replyNotation: string;
  notes: string;
}

const vnDate = (iso: string | null) => (iso ? iso.split('-').reverse().join('/') : '');
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

/**
 * Handling of incoming and outgoing documents in a period, per unit and per person (on time, late, still open),
 * as a chart and a table with XLSX/PDF export; below it the follow-up register of incoming documents.
 */
export default function HandlingReportPage() {
  const { t } = useI18n();
  const { me } = useMe();
  const canReport = !!me?.permissions.includes('reports.read');
  const canRegister = !!me?.permissions.includes('registers.read');
  const [direction, setDirection] = useState<'incoming' | 'outgoing'>('incoming');
  const [from, setFrom] = useState(() => `${today().slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const query = `from=${from}&to=${to}`;
  const report = useLoad(
    () => (canReport ? get<Report>(`/api/reports/handling?direction=${direction}&${query}`) : Promise.resolve(null)),
    [direction, query, canReport],
  );
  const follow = useLoad(
    () =>
      canRegister && direction === 'incoming'
        ? get<{ lines: FollowUpLine[] }>(`/api/reports/incoming-follow-up?${query}`)
        : Promise.resolve(null),
    [direction, query, canRegister],
  );
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart>(null);
  const units = report.data?.byUnit ?? [];

  useEffect(() => {
    if (!canvas.current || !units.length) return;
    chart.current?.destroy();
    const name = (r: Row) => r.name || t('handlingUnassigned');
    chart.current = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: units.map(name),
        datasets: [
          { label: t('handlingOnTime'), data: units.map((r) => r.onTime), backgroundColor: '#2e7d32' },
          { label: t('handlingLate'), data: units.map((r) => r.late), backgroundColor: '#ef6c00' },
          { label: t('handlingOpen'), data: units.map((r) => r.open - r.openOverdue), backgroundColor: '#1a4f8b' },
          { label: t('handlingOpenOverdue'), data: units.map((r) => r.openOverdue), backgroundColor: '#c62828' },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => chart.current?.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report.data, t]);

  const table = (caption: string, rows: Row[]) => (
    <table className="table" data-testid={`handling-${caption === t('handlingByUnit') ? 'unit' : 'person'}`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>{t('handlingName')}</th>
          <th>{t('handlingTotal')}</th>
          <th>{t('handlingOnTime')}</th>
          <th>{t('handlingLate')}</th>
          <th>{t('handlingOpen')}</th>
          <th>{t('handlingOpenOverdue')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.name || t('handlingUnassigned')}</td>
            <td>{r.total}</td>
            <td>{r.onTime}</td>
            <td>{r.late}</td>
            <td>{r.open}</td>
            <td className={r.openOverdue ? 'overdue' : undefined}>{r.openOverdue}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <Page title={t('handlingTitle')}>
      <div className="toolbar">
        <select
          aria-label={t('direction')}
          value={direction}
          onChange={(e) => setDirection(e.target.value as 'incoming' | 'outgoing')}
        >
          <option value="incoming">{t('handlingIncoming')}</option>
          <option value="outgoing">{t('handlingOutgoing')}</option>
        </select>
        <label htmlFor="from">{t('handlingFrom')}</label>
        <DateInput id="from" value={from} onChange={setFrom} />
        <label htmlFor="to">{t('handlingTo')}</label>
        <DateInput id="to" value={to} onChange={setTo} />
        {canReport && (
          <>
            <FileLink path={`/api/reports/handling?direction=${direction}&${query}&format=xlsx`}>
              {t('exportXlsx')}
            </FileLink>
            <FileLink path={`/api/reports/handling?direction=${direction}&${query}&format=pdf`}>
              {t('exportPdf')}
            </FileLink>
          </>
        )}
      </div>
      <p className="muted">
        {vnDate(from)} – {vnDate(to)}
      </p>
      <ErrorBox error={report.error} onRetry={report.reload} />
      {report.loading && <Loading />}
      {report.data && (
        <>
          <p data-testid="handling-total">
            {t('handlingSum')}: {report.data.total.total} · {t('handlingOnTime')}: {report.data.total.onTime} ·{' '}
            {t('handlingLate')}: {report.data.total.late} · {t('handlingOpen')}: {report.data.total.open} (
            {t('handlingOpenOverdue').toLowerCase()}: {report.data.total.openOverdue})
          </p>
          <figure>
            <canvas ref={canvas} aria-label={t('handlingChart')} role="img" />
            <figcaption className="sr-only">{t('handlingChart')}</figcaption>
          </figure>
          {table(t('handlingByUnit'), report.data.byUnit)}
          {table(t('handlingByPerson'), report.data.byPerson)}
        </>
      )}
      {follow.data && (
        <section>
          <h2>{t('followUpTitle')}</h2>
          <div className="toolbar">
            <FileLink path={`/api/reports/incoming-follow-up?${query}&format=xlsx`}>{t('exportXlsx')}</FileLink>
            <FileLink path={`/api/reports/incoming-follow-up?${query}&format=pdf`}>{t('exportPdf')}</FileLink>
          </div>
          <table className="table" data-testid="follow-up">
            <thead>
              <tr>
                <th>{t('followUpArrival')}</th>
                <th>{t('followUpDocument')}</th>
                <th>{t('followUpReceiver')}</th>
                <th>{t('followUpDue')}</th>
                <th>{t('followUpProgress')}</th>
                <th>{t('followUpReply')}</th>
                <th>{t('followUpNotes')}</th>
              </tr>
            </thead>
            <tbody>
              {follow.data.lines.map((l) => (
                <tr key={l.id}>
                  <td>{l.arrivalNumber ?? ''}</td>
                  <td>
                    <a href={`/documents/${l.id}`}>{l.identification}</a>
                  </td>
                  <td>{l.receiver}</td>
                  <td>{vnDate(l.dueDate)}</td>
                  <td className={l.state === 'open-overdue' || l.state === 'late' ? 'overdue' : undefined}>
                    {t(`state.${l.state}`)}
                  </td>
                  <td>{l.replyNotation}</td>
                  <td>{l.notes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Page>
  );
}
