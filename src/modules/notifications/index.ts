export { NotificationsModule } from './notifications.module.js';
export { NotificationsService, type NotificationInput } from './notifications.service.js';
