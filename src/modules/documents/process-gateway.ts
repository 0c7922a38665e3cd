import { Injectable } from '@nestjs/common';
import { EngineRef, WorkflowEngine, type JobHandler } from '../workflow/index.js';

export const OUTGOING_PROCESS = 'outgoing-document';
export const INCOMING_PROCESS = 'incoming-document';

/**
 * The workflow engine, found lazily through the module graph: DocumentsModule does not import WorkflowModule
 * (the engine's listeners live in the tasks module), it only needs the port.
 */
@Injectable()
export class ProcessGateway {
  constructor(private readonly ref: EngineRef) {}

  find(): WorkflowEngine | null {
    return this.ref.find();
  }

  engine(): WorkflowEngine {
    return this.ref.get();
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
