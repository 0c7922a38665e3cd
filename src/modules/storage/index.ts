export { StorageModule } from './storage.module.js';
export { StorageService, type StoredFile } from './storage.service.js';
