import { Module } from '@nestjs/common';
import { DossierPolicy } from '../auth/index.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { ArchiveService } from './archive/archive.service.js';
import { ArchiveTransfersController } from './archive/archive-transfers.controller.js';
import { DispositionService } from './archive/disposition.service.js';
import { DocumentAccess } from './document-access.js';
import { DossierClosingService } from './dossier-closing.service.js';
import { DossierExportService } from './dossier-export.service.js';
import { DossierStatsService } from './dossier-stats.service.js';
import { DossierWorkers } from './dossier-workers.js';
import { DossiersController } from './dossiers.controller.js';
import { DossiersService } from './dossiers.service.js';
import { FilePlanImportService } from './file-plan-import.service.js';
import { FilePlanService } from './file-plan.service.js';
import { FilePlansController } from './file-plans.controller.js';
import { LifecycleBridge } from './lifecycle-bridge.js';
import { SecretDossiersResolver } from './secret-dossiers.resolver.js';

/**
 * Dossiers (hồ sơ công việc): file plan, dossiers filled by the workflows, closing, transfer to the agency
 * archive, retention and disposition. Documents are read through DossierDocumentSource (provided by
 * DocumentsModule, which never imports this module).
 */
@Module({
  imports: [DocumentsModule],
  controllers: [FilePlansController, DossiersController, ArchiveTransfersController],
  providers: [
    DossierPolicy,
    DocumentAccess,
    LifecycleBridge,
    FilePlanService,
    FilePlanImportService,
    DossiersService,
    DossierClosingService,
    ArchiveService,
    DispositionService,
    DossierExportService,
    DossierWorkers,
    DossierStatsService,
    SecretDossiersResolver,
  ],
  exports: [DossiersService, FilePlanService, DossierStatsService],
})
export class DossiersModule {}
