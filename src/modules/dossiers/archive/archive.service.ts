import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { In } from 'typeorm';
import { Clock, IdGenerator } from '../../../common/clock.js';
import { conflict, forbidden, notFound, unprocessable } from '../../../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { TransactionService } from '../../../database/transaction.service.js';
import { AuditService } from '../../audit/index.js';
import { DossierPolicy, type AuthUser } from '../../auth/index.js';
import { AgencyEntity } from '../../organizations/index.js';
import { SigningService } from '../../signing/index.js';
import { StorageService } from '../../storage/index.js';
import { DocumentAccess } from '../document-access.js';
import { DossierEntity } from '../dossier.entity.js';
import { toDossierSummary } from '../dossier.mapper.js';
import { DossiersService } from '../dossiers.service.js';
import { LifecycleBridge } from '../lifecycle-bridge.js';
import { addYears } from '../retention.js';
import { ArchiveTransferEntity } from './archive-transfer.entity.js';
import { verifyBag, type SignatureCheck, type VerifyResult } from './bagit.js';
import { buildTransferPackage } from './package-builder.js';
import '../dossiers.messages.js';

const toTransferView = (t: ArchiveTransferEntity) => ({
  id: t.id,
  state: t.state,
  dossierIds: t.dossierIds,
  createdAt: t.createdAt,
  createdById: t.createdById,
  packageSha256: t.packageSha256,
  packageSize: t.packageSize,
  verifiedAt: t.verifiedAt,
  verifyReport: t.verifyReport,
  decidedAt: t.decidedAt,
  reasons: t.reasons,
});

/** Transfer to the agency archive (nộp lưu), acceptance, and disposition: Decree 30/2020 art. 30–31, PL VI III.5. */
@Injectable()
export class ArchiveService {
  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly policy: DossierPolicy,
    private readonly dossiers: DossiersService,
    private readonly docs: DocumentAccess,
    private readonly storage: StorageService,
    private readonly lifecycle: LifecycleBridge,
    private readonly moduleRef: ModuleRef,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(user: AuthUser, dossierIds: string[]): Promise<{ id: string }> {
    const ids = [...new Set(dossierIds)];
    const m0 = this.tx.manager;
    const rows: DossierEntity[] = [];
    for (const id of ids) {
      const d = await this.dossiers.changeable(user, id, m0);
      rows.push(d);
    }
    // State-secret material is handed over under the state-secrets law (and to a historical archive only once
    // declassified), not in an electronic package that the agency's archivists open.
    const items = await this.dossiers.items(m0, ids);
    const access = await this.docs.accessOf(
      user,
      items.map((i) => i.documentId),
    );
    const holdsSecret = new Set(items.filter((i) => access.get(i.documentId)?.secrecy).map((i) => i.dossierId));
    const secret = rows.find((d) => d.secrecy || holdsSecret.has(d.id));
    if (secret) throw conflict('DOSSIER_SECRET_NOT_TRANSFERABLE', { code: secret.code });
    for (const d of rows) if (d.state !== 'closed') throw conflict('DOSSIER_NOT_CLOSED', { code: d.code });
    const transferId = this.ids.next();
    const zip = await this.buildPackage(transferId, user.fullName, rows);
    const stored = await this.storage.put(zip);
    const now = this.clock.now();
    await this.tx.run(async (m) => {
      const fresh = await m.find(DossierEntity, { where: { id: In(ids) } });
      const stale = fresh.find((d) => d.state !== 'closed');
      if (stale) throw conflict('DOSSIER_NOT_CLOSED', { code: stale.code });
      await m.insert(ArchiveTransferEntity, {
        id: transferId,
        agencyId: user.agencyId,
        state: 'submitted',
        dossierIds: ids,
        createdById: user.id,
        createdAt: now,
        packageSha256: stored.sha256,
        packageSize: stored.size,
        verifiedAt: null,
        verifyReport: null,
        decidedById: null,
        decidedAt: null,
        reasons: null,
      });
      await m.update(
        DossierEntity,
        { id: In(ids) },
        { state: 'submitted', submittedAt: now, archiveTransferId: transferId, updatedAt: now },
      );
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'archive-transfer.submitted',
        entityType: 'archive-transfer',
        entityId: transferId,
        data: { dossierIds: ids, packageSha256: stored.sha256, packageSize: stored.size },
      });
      for (const id of ids) this.lifecycle.publish('dossier-submitted', id, { archiveTransferId: transferId });
    });
    return { id: transferId };
  }

  /** Builds the package from the dossiers' current records (also used by the benchmark through the same function). */
  async buildPackage(transferId: string, submittedBy: string, rows: DossierEntity[]): Promise<Buffer> {
    const m = this.tx.manager;
    const items = await this.dossiers.items(
      m,
      rows.map((d) => d.id),
    );
    const documents = await this.docs.get(items.map((i) => i.documentId));
    const agency = await m.findOneByOrFail(AgencyEntity, { id: rows[0].agencyId });
    const dossiers = [];
    for (const d of rows) {
      const trail = (await this.audit.trail('dossier', d.id)).map((e) => ({
        at: e.occurredAt,
        action: e.action,
        actorId: e.actorId,
      }));
      dossiers.push({ dossier: d, items: items.filter((i) => i.dossierId === d.id), trail });
    }
    return buildTransferPackage({
      transferId,
      agency: { organId: agency.organId, name: agency.name },
      submittedBy,
      dossiers,
      documents,
      loadFile: (sha) => this.storage.get(sha),
      prepareSigned: (pdf) => this.moduleRef.get(SigningService, { strict: false }).addLongTermValidation(pdf),
      createdAt: this.clock.now(),
      timezone: this.config.timezone,
    });
  }

  private async load(user: AuthUser, id: string): Promise<ArchiveTransferEntity> {
    const t = await this.tx.manager.findOne(ArchiveTransferEntity, { where: { id } });
    if (!t || t.agencyId !== user.agencyId) throw notFound('archive transfer', id);
    if (
      t.createdById !== user.id &&
      !this.policy.isArchivist(user, t.agencyId) &&
      !this.policy.isHeadOfAgency(user, t.agencyId)
    )
      throw notFound('archive transfer', id);
    return t;
  }

  private assertArchivist(user: AuthUser, t: ArchiveTransferEntity): void {
    if (!this.policy.isArchivist(user, t.agencyId)) throw forbidden();
  }

  async get(user: AuthUser, id: string) {
    const t = await this.load(user, id);
    const ds = await this.tx.manager.find(DossierEntity, { where: { id: In(t.dossierIds) } });
    const now = this.clock.now();
    return { ...toTransferView(t), dossiers: ds.map((d) => toDossierSummary(d, now)) };
  }

  async list(user: AuthUser) {
    const where =
      this.policy.isArchivist(user, user.agencyId) || this.policy.isHeadOfAgency(user, user.agencyId)
        ? { agencyId: user.agencyId }
        : { agencyId: user.agencyId, createdById: user.id };
    return (await this.tx.manager.find(ArchiveTransferEntity, { where, order: { createdAt: 'DESC' }, take: 200 })).map(
      toTransferView,
    );
  }

  async package(user: AuthUser, id: string): Promise<{ data: Buffer; filename: string }> {
    const t = await this.load(user, id);
    return { data: await this.storage.get(t.packageSha256), filename: `nop-luu-${t.id}.zip` };
  }

  /** Signatures of the signed PDFs, checked by the signing module (integrity, CMS, trust chain). */
  private signatureCheck(): SignatureCheck | undefined {
    let signing: SigningService;
    try {
      signing = this.moduleRef.get(SigningService, { strict: false });
    } catch {
      return undefined;
    }
    return async (pdf) => normaliseVerdict(await signing.verifyPdf(pdf).catch(() => [{ valid: false }]));
  }

  /** Verifies the stored package, or the uploaded copy the archivist received. */
  async verify(user: AuthUser, id: string, uploaded?: Buffer): Promise<VerifyResult & { source: string }> {
    const t = await this.load(user, id);
    this.assertArchivist(user, t);
    const zip = uploaded?.length ? uploaded : await this.storage.get(t.packageSha256);
    const report = await verifyBag(zip, this.signatureCheck());
    await this.tx.run(async (m) => {
      await m.update(ArchiveTransferEntity, { id }, { verifiedAt: this.clock.now(), verifyReport: report });
      await this.audit.record({
        actorId: user.id,
        agencyId: t.agencyId,
        action: 'archive-transfer.verified',
        entityType: 'archive-transfer',
        entityId: id,
        data: { ok: report.ok, problems: report.problems.length, source: uploaded?.length ? 'uploaded' : 'stored' },
      });
    });
    return { ...report, source: uploaded?.length ? 'uploaded' : 'stored' };
  }

  /** Acceptance re-verifies the stored package; accepted dossiers become archived, retention runs from now. */
  async accept(user: AuthUser, id: string) {
    const t = await this.load(user, id);
    this.assertArchivist(user, t);
    if (t.state !== 'submitted') throw conflict('TRANSFER_NOT_SUBMITTED', { state: t.state });
    const report = await verifyBag(await this.storage.get(t.packageSha256), this.signatureCheck());
    if (!report.ok)
      throw unprocessable('PACKAGE_INVALID', { count: report.problems.length }, { problems: report.problems });
    const now = this.clock.now();
    await this.tx.run(async (m) => {
      const cur = await m.findOneByOrFail(ArchiveTransferEntity, { id });
      if (cur.state !== 'submitted') throw conflict('TRANSFER_NOT_SUBMITTED', { state: cur.state });
      await m.update(
        ArchiveTransferEntity,
        { id },
        { state: 'accepted', decidedById: user.id, decidedAt: now, verifiedAt: now, verifyReport: report },
      );
      for (const d of await m.find(DossierEntity, { where: { id: In(t.dossierIds) } })) {
        await m.update(
          DossierEntity,
          { id: d.id },
          {
            state: 'archived',
            archivedAt: now,
            updatedAt: now,
            retentionEndsAt: d.retentionPermanent || !d.retentionYears ? null : addYears(now, d.retentionYears),
          },
        );
        this.lifecycle.publish('dossier-accepted', d.id, { archivedAt: now.toISOString() });
      }
      await this.audit.record({
        actorId: user.id,
        agencyId: t.agencyId,
        action: 'archive-transfer.accepted',
        entityType: 'archive-transfer',
        entityId: id,
        data: { dossierIds: t.dossierIds },
      });
    });
    return this.get(user, id);
  }

  async reject(user: AuthUser, id: string, reasons: string[]) {
    const t = await this.load(user, id);
    this.assertArchivist(user, t);
    await this.tx.run(async (m) => {
      const cur = await m.findOneByOrFail(ArchiveTransferEntity, { id });
      if (cur.state !== 'submitted') throw conflict('TRANSFER_NOT_SUBMITTED', { state: cur.state });
      const now = this.clock.now();
      await m.update(
        ArchiveTransferEntity,
        { id },
        { state: 'rejected', decidedById: user.id, decidedAt: now, reasons },
      );
      // Back to the unit: closed again, to be corrected and submitted anew.
      await m.update(
        DossierEntity,
        { id: In(t.dossierIds) },
        { state: 'closed', submittedAt: null, archiveTransferId: null, updatedAt: now },
      );
      for (const dId of t.dossierIds) this.lifecycle.publish('dossier-rejected', dId, { rejectionReasons: reasons });
      await this.audit.record({
        actorId: user.id,
        agencyId: t.agencyId,
        action: 'archive-transfer.rejected',
        entityType: 'archive-transfer',
        entityId: id,
        data: { reasons },
      });
    });
    return this.get(user, id);
  }
}

function normaliseVerdict(v: unknown): { valid: boolean; reason?: string } | null {
  if (v == null) return null;
  if (typeof v === 'boolean') return { valid: v };
  if (Array.isArray(v)) {
    const bad = v.filter((s: { valid?: boolean }) => s.valid === false).length;
    if (!v.length) return { valid: false, reason: 'không có chữ ký số' };
    return { valid: bad === 0, reason: bad ? `${bad}/${v.length} chữ ký không hợp lệ` : undefined };
  }
  const o = v as { valid?: boolean; ok?: boolean; signatures?: { valid?: boolean }[]; reason?: string };
  if (Array.isArray(o.signatures))
    return { valid: o.signatures.length > 0 && o.signatures.every((s) => s.valid !== false) };
  if (typeof o.valid === 'boolean') return { valid: o.valid, reason: o.reason };
  if (typeof o.ok === 'boolean') return { valid: o.ok, reason: o.reason };
  return null;
}
