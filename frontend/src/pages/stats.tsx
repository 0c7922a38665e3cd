import { useEffect, useRef, useState } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { get } from '../api.js';
import { FileLink } from '../components/file-link.js';
import { useI18n } from '../i18n/index.js';
import { ErrorBox, Loading, Page, useLoad } from '../components/ui.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

/** Default targets when the report does not carry its own: 90 / 80 / 30 % (province+department / district / commune). */
const DEFAULT_TARGET: Record<string, number> = { province: 90, department: 90, district: 80, commune: 30 };

interface Row {
  name: string;
  level?: string;
  planned: number;
  opened: number;
  closed: number;
  transferred: number;
  share: number;
  target: number;
}

const toRows = (data: any): Row[] =>
  (Array.isArray(data) ? data : (data?.agencies ?? [])).map((r: any) => {
    const planned = Number(r.planned ?? 0);
    const opened = Number(r.opened ?? 0);
    const share = r.electronicShare ?? r.share ?? (planned ? (opened / planned) * 100 : 0);
    return {
      name: r.agencyName ?? r.name ?? r.unitName ?? '—',
      level: r.level,
      planned,
      opened,
      closed: Number(r.closed ?? r.complete ?? 0),
      transferred: Number(r.transferred ?? 0),
      share: Math.round(Number(share) * 10) / 10,
      target: Number(r.target ?? DEFAULT_TARGET[r.level ?? 'province'] ?? 90),
    };
  });

/** Dossier statistics against the 90/80/30 targets, as a chart (PNG export) and a table (CSV export). */
export default function StatsPage() {
  const { t } = useI18n();
  const [year, setYear] = useState(() =>
    Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date())),
  );
  const report = useLoad(() => get<any>(`/api/reports/dossiers?year=${year}`), [year]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<Chart>(null);
  const rows = report.data ? toRows(report.data) : [];

  useEffect(() => {
    if (!canvasRef.current || !rows.length) return;
    chartRef.current?.destroy();
    chartRef.current = new Chart(canvasRef.current, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.name),
        datasets: [
          {
            type: 'bar',
            label: t('electronicShare'),
            data: rows.map((r) => r.share),
            backgroundColor: rows.map((r) => (r.share >= r.target ? '#2e7d32' : '#c62828')),
          },
          {
            type: 'line',
            label: t('target'),
            data: rows.map((r) => r.target),
            borderColor: '#1a4f8b',
            pointRadius: 4,
            fill: false,
          },
        ],
      },
      options: { animation: false, responsive: true, scales: { y: { min: 0, max: 100 } } },
    });
    return () => chartRef.current?.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report.data, t]);

  return (
    <Page title={t('statsTitle')}>
      <div className="toolbar">
        <label htmlFor="year">{t('year')}</label>
        <input
          id="year"
          type="number"
          value={year}
          min={2000}
          max={2100}
          onChange={(e) => setYear(Number(e.target.value))}
        />
        <FileLink path={`/api/reports/dossiers?year=${year}&format=csv`}>{t('exportCsv')}</FileLink>
        <button
          type="button"
          disabled={!rows.length}
          onClick={() => {
            const a = document.createElement('a');
            a.href = chartRef.current!.toBase64Image();
            a.download = `thong-ke-ho-so-${year}.png`;
            a.click();
          }}
        >
          {t('exportPng')}
        </button>
      </div>
      <ErrorBox error={report.error} onRetry={report.reload} />
      {report.loading && !report.data && <Loading />}
      <div className="chart">
        <canvas ref={canvasRef} role="img" aria-label={t('statsTitle')} />
      </div>
      {rows.length > 0 && (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">{t('unit')}</th>
              <th scope="col">{t('planned')}</th>
              <th scope="col">{t('opened')}</th>
              <th scope="col">{t('closedCount')}</th>
              <th scope="col">{t('transferred')}</th>
              <th scope="col">{t('electronicShare')}</th>
              <th scope="col">{t('target')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                <td>{r.name}</td>
                <td>{r.planned}</td>
                <td>{r.opened}</td>
                <td>{r.closed}</td>
                <td>{r.transferred}</td>
                <td className={r.share < r.target ? 'late-text' : 'ok-text'}>{r.share}</td>
                <td>{r.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
