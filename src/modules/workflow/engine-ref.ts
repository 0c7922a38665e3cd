import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DomainError } from '../../common/domain-error.js';
import { registerMessages } from '../../common/messages.js';
import { WorkflowEngine } from './engine/workflow-engine.port.js';

registerMessages({
  WORKFLOW_UNAVAILABLE: {
    vi: 'Bộ máy quy trình chưa sẵn sàng. Vui lòng thử lại sau ít giây.',
    en: 'The workflow engine is not ready. Try again in a few seconds.',
  },
});

/**
 * The WorkflowEngine provider, looked up lazily across modules: the tasks module is the engine's listener and
 * also signals it, and domain modules register workers on it, so none of them imports WorkflowModule as a Nest
 * module (no import cycle). Provide it in the module that needs it.
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
    if (!e) throw new DomainError('WORKFLOW_UNAVAILABLE', 'unavailable');
    return e;
  }
}
