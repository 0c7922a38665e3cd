import { Module } from '@nestjs/common';
import { DocumentAccessPolicy } from '../auth/index.js';
import { ConsumeFolderService } from './consume-folder.service.js';
import { ContentQueueService } from './content-queue.service.js';
import { DigitizationController } from './digitization.controller.js';

/** Paper intake: OCR queue (OCRmyPDF, Tesseract vie), text extraction for the search index, consume folders. */
@Module({
  controllers: [DigitizationController],
  providers: [ContentQueueService, ConsumeFolderService, DocumentAccessPolicy],
  exports: [ContentQueueService, ConsumeFolderService],
})
export class DigitizationModule {}
