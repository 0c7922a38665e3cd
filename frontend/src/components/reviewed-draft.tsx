import { get } from '../api.js';
import { fmtDateTime } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { useLoad } from './ui.js';

/**
 * For the signer: which draft the unit head approved (version, SHA-256). The signature covers exactly that
 * draft: no version can be uploaded once review has started, and signing refuses a draft changed since.
 */
export function ReviewedDraft({ documentId }: { documentId: string }) {
  const { t } = useI18n();
  const doc = useLoad(
    () =>
      get<{ reviewedDraft: { version: number | null; sha256: string | null; at: string } | null }>(
        `/api/documents/${documentId}`,
      ),
    [documentId],
  );
  const r = doc.data?.reviewedDraft;
  if (!r) return null;
  return (
    <>
      <dt>{t('reviewedDraft')}</dt>
      <dd data-testid="reviewed-draft">
        {r.version ? `${t('reviewedVersion')} ${r.version}, ` : `${t('reviewedBody')}, `}
        {fmtDateTime(r.at)}
        {r.sha256 && (
          <>
            {' — SHA-256 '}
            <code>{r.sha256}</code>
          </>
        )}
      </dd>
    </>
  );
}
