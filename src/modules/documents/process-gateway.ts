import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DomainError } from '../../common/domain-error.js';
import { WorkflowEngine, type JobHandler } from '../workflow/index.js';

export const OUTGOING_PROCESS = 'outgoing-document';
export const INCOMING_PROCESS = 'incoming-document';

/**
 * The workflow engine, found lazily through the module graph: DocumentsModule does not import WorkflowModule
 * (the engine's listeners live in the tasks module), it only needs the port.
 */
@Injectable()
export class ProcessGateway {
  constructor(private readonly moduleRef: ModuleRef) {}

  find(): WorkflowEngine | null {
    try {
      return this.moduleRef.get(WorkflowEngine, { strict: false });
    } catch {
      return null;
    }
  }

  engine(): WorkflowEngine {
    const e = this.find();
    if (!e) throw new DomainError('WORKFLOW_UNAVAILABLE', 'unavailable');
    return e;
  }

  async start(processId: string, documentId: string, variables: Record<string, unknown>, by: string | null) {
    return this.engine().start({ processId, businessKey: documentId, variables, startedBy: by });
  }

  registerWorker(type: string, handler: JobHandler): boolean {
    const e = this.find();
    if (!e) return false;
    e.registerWorker(type, handler);
    return true;
  }
}
