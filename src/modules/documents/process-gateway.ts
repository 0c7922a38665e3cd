import { Injectable } from '@nestjs/common';
import { EngineRef, WorkflowEngine, type JobHandler, type WorkerOptions } from '../workflow/index.js';

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

  /**
   * Starts a document's flow on its agency's nearest variant, with the document bound to the instance by the
   * server (the only way a document process starts: POST /api/workflow/instances refuses these process ids).
   */
  async start(
    processId: string,
    documentId: string,
    agencyId: string,
    variables: Record<string, unknown>,
    by: string | null,
  ) {
    return this.engine().start({
      processId,
      businessKey: documentId,
      variables,
      startedBy: by,
      agencyId,
      object: { type: 'document', id: documentId },
    });
  }

  registerWorker(type: string, handler: JobHandler, options?: WorkerOptions): boolean {
    const e = this.find();
    if (!e) return false;
    e.registerWorker(type, handler, options);
    return true;
  }
}
