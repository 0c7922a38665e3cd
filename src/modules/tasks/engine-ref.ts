import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DomainError } from '../../common/domain-error.js';
import { WorkflowEngine } from '../workflow/index.js';

/**
 * The WorkflowEngine provider, looked up lazily across modules: the tasks module is the engine's listener and
 * also signals it, so neither module imports the other as a Nest module (no import cycle).
 */
@Injectable()
export class EngineRef {
  constructor(private readonly moduleRef: ModuleRef) {}

  find(): WorkflowEngine | null {
    try {
      return this.moduleRef.get(WorkflowEngine, { strict: false });
    } catch {
      return null;
    }
  }

  get(): WorkflowEngine {
    const e = this.find();
    if (!e) throw new DomainError('TASK_ENGINE_UNAVAILABLE', 'unavailable');
    return e;
  }
}
