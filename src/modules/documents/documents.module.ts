import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DocumentAccessPolicy } from '../auth/index.js';
import { DossierChoiceCheck, DossierDocumentSource } from '../dossiers/index.js';
import { StartupService } from '../startup/startup.service.js';
import { TaskCompletionHooks } from '../tasks/index.js';
import { In } from 'typeorm';
import { TransactionService } from '../../database/transaction.service.js';
import { EngineRef, WorkflowScope } from '../workflow/index.js';
import { DocumentEntity } from './document.entity.js';
import { RegistersModule } from '../registers/index.js';
import { Directory } from './directory.js';
import { DocumentEvents } from './document-events.js';
import { DocumentHooks } from './document-hooks.service.js';
import { DocumentPdfService } from './document-pdf.service.js';
import { DocumentCopiesController } from './document-copies.controller.js';
import { DocumentCopiesService } from './document-copies.service.js';
import { PdfPreviews } from './pdf-previews.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentRecordsController } from './document-records.controller.js';
import { DocumentRecordsService } from './document-records.service.js';
import { HandlingReportController } from './handling-report.controller.js';
import { HandlingReportService } from './handling-report.service.js';
import { DocumentRenderService } from './document-render.service.js';
import { DocumentTrail } from './document-trail.service.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';
import { DocumentsForDossiers } from './dossier-document-source.service.js';
import { IncomingWorkers } from './incoming-workers.js';
import { InternalIssuance } from './internal-issuance.service.js';
import { OutgoingWorkers } from './outgoing-workers.js';
import { INCOMING_PROCESS, OUTGOING_PROCESS, ProcessGateway } from './process-gateway.js';
import { SigningGateway } from './signing-gateway.js';
import { SecretDocumentsResolver } from './secret-documents.resolver.js';

@Module({
  imports: [RegistersModule],
  controllers: [DocumentsController, DocumentRecordsController, HandlingReportController, DocumentCopiesController],
  providers: [
    EngineRef,
    DocumentAccessPolicy,
    Directory,
    DocumentEvents,
    DocumentTrail,
    DocumentQueryService,
    DocumentsService,
    DocumentRecordsService,
    HandlingReportService,
    DocumentCopiesService,
    DocumentRenderService,
    DocumentPdfService,
    PdfPreviews,
    InternalIssuance,
    OutgoingWorkers,
    IncomingWorkers,
    DocumentHooks,
    ProcessGateway,
    SigningGateway,
    SecretDocumentsResolver,
    { provide: DossierDocumentSource, useClass: DocumentsForDossiers },
    DossierChoiceCheck,
  ],
  exports: [
    DossierDocumentSource,
    DossierChoiceCheck,
    DocumentAccessPolicy,
    DocumentEvents,
    DocumentsService,
    DocumentTrail,
    ProcessGateway,
    DocumentQueryService,
  ],
})
export class DocumentsModule implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly processes: ProcessGateway,
    private readonly outgoing: OutgoingWorkers,
    private readonly incoming: IncomingWorkers,
    private readonly hooks: DocumentHooks,
    private readonly issuance: InternalIssuance,
    @Inject(StartupService) private readonly startup: StartupService,
  ) {}

  private find<T>(token: abstract new (...args: never[]) => T): T | null {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return null;
    }
  }

  onModuleInit(): void {
    const workers: Record<string, Parameters<ProcessGateway['registerWorker']>[1]> = {
      'documents.set-status': (job) => this.outgoing.setStatus(job),
      'documents.return-to-draft': (job) => this.outgoing.returnToDraft(job),
      'documents.close-consultation': (job) => this.outgoing.closeConsultation(job),
      'documents.assign-number': (job) => this.outgoing.assignNumber(job),
      'documents.issue': (job) => this.outgoing.issue(job),
      'documents.register-incoming': (job) => this.incoming.register(job),
      'documents.record-direction': (job) => this.incoming.recordDirection(job),
      'documents.mark-overdue': (job) => this.incoming.markOverdue(job),
      'documents.complete': (job) => this.incoming.complete(job),
    };
    const INCOMING_TYPES = new Set([
      'documents.register-incoming',
      'documents.record-direction',
      'documents.mark-overdue',
      'documents.complete',
    ]);
    // the task-type catalogue: each domain type serves only the flows named here (deploy refuses it elsewhere)
    const serves = (type: string): string[] =>
      type === 'documents.set-status'
        ? [OUTGOING_PROCESS, INCOMING_PROCESS]
        : INCOMING_TYPES.has(type)
          ? [INCOMING_PROCESS]
          : [OUTGOING_PROCESS];
    for (const [type, handler] of Object.entries(workers))
      this.processes.registerWorker(type, handler, { processes: serves(type) });
    // generic starts ask which agency a named document belongs to (another agency's → 404)
    const tx = this.find(TransactionService);
    this.find(WorkflowScope)?.registerObjects(async (ids) => {
      const rows = tx
        ? await tx.manager.find(DocumentEntity, { where: { id: In(ids) }, select: { id: true, agencyId: true } })
        : [];
      return new Map(rows.map((r) => [r.id, r.agencyId]));
    });
    const completionHooks = this.find(TaskCompletionHooks);
    for (const [formId, hook] of Object.entries(this.hooks.forms))
      completionHooks?.register(formId, hook, this.hooks.preparations[formId]);
    // Recovery: received documents whose incoming process did not start (crash between commit and start).
    this.startup.register({
      name: 'documents: start pending incoming processes',
      order: 36,
      run: () => this.issuance.startPending(),
    });
  }
}
