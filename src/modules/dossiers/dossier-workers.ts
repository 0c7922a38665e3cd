import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Clock, IdGenerator } from '../../common/clock.js';
import { AuditService } from '../audit/index.js';
import { NotificationsService } from '../notifications/index.js';
import { StartupService } from '../startup/startup.service.js';
import { assertOwnAgency, boundId, WorkflowScope, type JobContext } from '../workflow/index.js';
import { DossierClosingService, TRANSFER_YEARS } from './dossier-closing.service.js';
import { DossierAlertEntity, DossierEntity } from './dossier.entity.js';
import { TRANSFER_ALERT_DAYS } from './dossier.mapper.js';
import { DossiersService } from './dossiers.service.js';
import { LIFECYCLE_PROCESS_ID, LifecycleBridge } from './lifecycle-bridge.js';
import { addYears } from './retention.js';

export const LIFECYCLE_BPMN = join(__dirname, '..', '..', '..', '..', 'processes', 'dossier-lifecycle.bpmn');

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));

/**
 * Workers of the task types `dossiers.*`. Each runs inside the engine's transaction (job.manager) and is
 * idempotent: a replayed job finds its change already made (unique keys, state checks) and does nothing more.
 */
@Injectable()
export class DossierWorkers implements OnModuleInit {
  private readonly logger = new Logger('DossierWorkers');

  constructor(
    private readonly bridge: LifecycleBridge,
    private readonly dossiers: DossiersService,
    private readonly closing: DossierClosingService,
    private readonly audit: AuditService,
    private readonly startup: StartupService,
    private readonly moduleRef: ModuleRef,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  onModuleInit(): void {
    const engine = this.bridge.engine();
    if (!engine) {
      this.logger.warn('no workflow engine: dossier workers not registered');
      return;
    }
    // generic starts ask which agency a named dossier belongs to (another agency's → 404)
    this.scope()?.registerObjects(async (ids) => {
      const rows = await this.dossiers.agencyOf(ids);
      return new Map(rows.map((r) => [r.id, r.agencyId]));
    });
    // the task-type catalogue: each domain type serves only these process ids (deploy refuses it elsewhere)
    const documentFlows = { processes: ['outgoing-document', 'incoming-document'] };
    const lifecycle = { processes: [LIFECYCLE_PROCESS_ID] };
    engine.registerWorker('dossiers.file-document', (job) => this.fileDocument(job), documentFlows);
    engine.registerWorker('dossiers.open', async () => undefined, lifecycle);
    engine.registerWorker('dossiers.schedule-transfer', (job) => this.scheduleTransfer(job), lifecycle);
    engine.registerWorker('dossiers.alert-transfer-due', (job) => this.alertTransferDue(job), lifecycle);
    engine.registerWorker('dossiers.retain', (job) => this.retain(job), lifecycle);
    this.startup.register({
      name: 'dossier lifecycle process',
      order: 31,
      run: async () => {
        try {
          const r = await engine.deploy(await readFile(LIFECYCLE_BPMN, 'utf8'), { source: 'startup' });
          if (r.changed) this.logger.log(`deployed ${r.processId} v${r.version}`);
        } catch (e) {
          this.logger.error(`dossier-lifecycle.bpmn not deployed: ${(e as Error).message}`);
        }
      },
    });
  }

  /**
   * End of the outgoing and incoming processes: file the document into the dossier chosen (if any). `filed` and
   * `filingSkipped` (the reason) tell the next step whether the document may be marked filed.
   */
  async fileDocument(job: JobContext) {
    // the document is the instance's bound one; the dossier chosen in a form is checked against its agency there
    const documentId = boundId(job, 'document');
    const dossierId = str(job.variables.dossierId);
    if (!dossierId) return;
    const r = await this.dossiers.fileFromWorkflow(job.manager, {
      documentId,
      dossierId,
      agencyId: job.agencyId ?? '',
      jobKey: job.jobKey,
    });
    return { variables: { filed: r.filed, filingSkipped: r.filed ? null : (r.reason ?? null) } };
  }

  /** Decree 30/2020, art. 30.2: due within 1 year of closing; alert 30 days ahead (PL VI III.5.b). */
  async scheduleTransfer(job: JobContext) {
    const d = await this.bound(job);
    if (!d?.closedAt) return { variables: { transferDueAt: null, alertAt: null } };
    const due = d.retainedUntil ?? d.transferDueAt ?? addYears(d.closedAt, TRANSFER_YEARS);
    if (!d.transferDueAt || d.transferDueAt.getTime() !== due.getTime())
      await job.manager.update(DossierEntity, { id: d.id }, { transferDueAt: due });
    const alertAt = new Date(Math.max(due.getTime() - TRANSFER_ALERT_DAYS * 86400000, this.clock.now().getTime()));
    return { variables: { transferDueAt: due.toISOString(), alertAt: alertAt.toISOString() } };
  }

  async alertTransferDue(job: JobContext) {
    const m = job.manager;
    const d = await this.bound(job);
    if (!d || d.state !== 'closed' || !d.transferDueAt) return;
    // A deadline moved since the timer was set (retention approved directly): not due for an alert yet.
    if (d.transferDueAt.getTime() - this.clock.now().getTime() > TRANSFER_ALERT_DAYS * 86400000) return;
    // One alert per due date: a retention extension moves the date and earns a new alert.
    const kind = `transfer-due:${d.transferDueAt.toISOString().slice(0, 10)}`;
    if (await m.exists(DossierAlertEntity, { where: { dossierId: d.id, kind } })) return;
    await m.insert(DossierAlertEntity, {
      id: this.ids.next(),
      dossierId: d.id,
      agencyId: d.agencyId,
      kind,
      dueAt: d.transferDueAt,
      createdAt: this.clock.now(),
    });
    await this.audit.record({
      actorId: null,
      agencyId: d.agencyId,
      action: 'dossier.transfer-due-alerted',
      entityType: 'dossier',
      entityId: d.id,
      data: { transferDueAt: d.transferDueAt?.toISOString() ?? null },
    });
    const mail = this.notifications();
    if (mail)
      await mail.enqueue(
        {
          userId: d.creatorId,
          template: 'generic',
          secret: !!d.secrecy,
          dedupeKey: `dossier-${kind}:${d.id}`,
          data: {
            title: `Hồ sơ ${d.notation} sắp đến hạn nộp lưu`,
            message: `Hồ sơ "${d.title}" (${d.code}) phải nộp lưu vào lưu trữ cơ quan trước ngày ${d.transferDueAt?.toISOString().slice(0, 10)}.`,
            link: `${mail.publicUrl}/dossiers/${d.id}`,
          },
        },
        m,
      );
  }

  /** After the head of the agency approved keeping the dossier in the unit (user task of the lifecycle). */
  async retain(job: JobContext) {
    const v = job.variables;
    if (str(v.decision) && str(v.decision) !== 'approve') return;
    const until = new Date(str(v.retainUntil) || str(v.requestedUntil));
    const d = await this.bound(job);
    if (!d || d.state !== 'closed' || Number.isNaN(until.getTime())) return;
    if (d.retainedUntil && d.retainedUntil.getTime() === until.getTime()) return;
    try {
      await this.closing.retain(null, d.id, until, str(v.retentionReason), job.manager);
    } catch (e) {
      this.logger.warn(`retention of ${d.code} refused: ${(e as Error).message}`);
    }
  }

  /** The dossier the server bound to the lifecycle instance, only if it is of the instance's agency. */
  private async bound(job: JobContext): Promise<DossierEntity | null> {
    const id = boundId(job, 'dossier');
    const d = await job.manager.findOne(DossierEntity, { where: { id } });
    if (d) assertOwnAgency(job, 'dossier', id, d.agencyId);
    return d;
  }

  private scope(): WorkflowScope | null {
    try {
      return this.moduleRef.get(WorkflowScope, { strict: false });
    } catch {
      return null;
    }
  }

  private notifications(): NotificationsService | null {
    try {
      return this.moduleRef.get(NotificationsService, { strict: false });
    } catch {
      return null;
    }
  }
}
