import { useState } from 'react';
import { get } from '../api.js';
import { useI18n } from '../i18n/index.js';
import { useLoad } from '../components/ui.js';

export interface OwnedDefinition {
  processId: string;
  version: number;
  own?: boolean;
  owner?: { agencyId: string; name?: string } | null;
}

/** Whose version a definition is: our agency's variant, or inherited (the province default, a parent's). */
export function ownerLabel(t: (k: string) => string, d: OwnedDefinition): string {
  if (d.own) return t('processOwnVariant');
  return d.owner?.name ?? t('processOwnerDefault');
}

/**
 * The editor's line on tenancy (issue 21): which agency's version is open, and, for an inherited flow, the offer
 * to make our agency's own variant from it (deploying always makes a version owned by the administrator's agency).
 */
export function VersionOwner({ processId }: { processId: string }) {
  const { t } = useI18n();
  const defs = useLoad(() => get<OwnedDefinition[]>('/api/workflow/definitions'), [processId]);
  const [variant, setVariant] = useState(false);
  const d = defs.data?.find((x) => x.processId === processId);
  if (!d) return null;
  return (
    <div className="owner-line" data-testid="version-owner">
      <p>
        {t('editorVersionOf', { version: d.version, owner: d.own ? t('processOwnVariant') : ownerLabel(t, d) })}{' '}
        {d.own && t('editorOwnVariant')}
      </p>
      {!d.own &&
        (variant ? (
          <p className="alert ok" role="status">
            {t('editorVariantStarted')}
          </p>
        ) : (
          <button type="button" onClick={() => setVariant(true)} data-testid="create-variant">
            {t('editorCreateVariant')}
          </button>
        ))}
    </div>
  );
}
