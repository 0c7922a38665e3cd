import type { Type } from '@nestjs/common';

/**
 * Domain modules beyond the platform core. Each feature adds its module here (one line per module keeps
 * parallel work from colliding in app.module.ts).
 */
export const FEATURE_MODULES: Type<unknown>[] = [];
