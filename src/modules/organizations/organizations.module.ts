import { Module } from '@nestjs/common';
import { CsvImportService } from './csv-import.service.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsService } from './organizations.service.js';
import { OrganizationsBootstrapService } from './organizations-bootstrap.service.js';

@Module({
  controllers: [OrganizationsController],
  providers: [OrganizationsService, CsvImportService, OrganizationsBootstrapService],
  exports: [OrganizationsService],
})
export class OrganizationsModule {}
