import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DocumentAccessPolicy } from '../auth/index.js';
import { DossierChoiceCheck, DossierDocumentSource } from '../dossiers/index.js';
import { StartupService } from '../startup/startup.service.js';
import { TaskCompletionHooks } from '../tasks/index.js';
import { EngineRef } from '../workflow/index.js';
import { RegistersModule } from '../registers/index.js';
import { Directory } from './directory.js';
import { DocumentEvents } from './document-events.js';
import { DocumentHooks } from './document-hooks.service.js';
import { DocumentPdfService } from './document-pdf.service.js';
import { DocumentQueryService } from './document-query.service.js';
import { DocumentRenderService } from './document-render.service.js';
import { DocumentTrail } from './document-trail.service.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';
import { DocumentsForDossiers } from './dossier-document-source.service.js';
import { IncomingWorkers } from './incoming-workers.js';
import { InternalIssuance } from './internal-issuance.service.js';
import { OutgoingWorkers } from './outgoing-workers.js';
import { ProcessGateway } from './process-gateway.js';
import { SigningGateway } from './signing-gateway.js';
import { SecretDocumentsResolver } from './secret-documents.resolver.js';

@Module({
  imports: [RegistersModule],
  controllers: [DocumentsController],
  providers: [
    EngineRef,
    DocumentAccessPolicy,
    Directory,
    DocumentEvents,
    DocumentTrail,
    DocumentQueryService,
    DocumentsService,
    DocumentRenderService,
    DocumentPdfService,
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
    for (const [type, handler] of Object.entries(workers)) this.processes.registerWorker(type, handler);
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
