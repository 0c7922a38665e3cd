import { Module } from '@nestjs/common';
import { RegisterPrintService } from './register-print.service.js';
import { RegistersController } from './registers.controller.js';
import { RegistersService } from './registers.service.js';

@Module({
  controllers: [RegistersController],
  providers: [RegistersService, RegisterPrintService],
  exports: [RegistersService],
})
export class RegistersModule {}
