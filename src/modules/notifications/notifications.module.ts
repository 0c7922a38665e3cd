import { Global, Module } from '@nestjs/common';
import { NotificationsService } from './notifications.service.js';

/** Mail outbox + sender. Global so any module can inject NotificationsService (import it from index.ts). */
@Global()
@Module({ providers: [NotificationsService], exports: [NotificationsService] })
export class NotificationsModule {}
