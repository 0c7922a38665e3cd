import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TransactionService } from '../../database/transaction.service.js';
import { WorkflowEngine } from '../workflow/engine/workflow-engine.port.js';
import { DossierEntity } from './dossier.entity.js';

export const LIFECYCLE_PROCESS_ID = 'dossier-lifecycle';

/** Messages the dossier-lifecycle process waits for; the correlation key is the dossier id. */
export type LifecycleMessage =
  | 'dossier-closed'
  | 'dossier-submitted'
  | 'dossier-accepted'
  | 'dossier-rejected'
  | 'dossier-retention-requested'
  | 'dossier-retention-changed';

/**
 * Drives processes/dossier-lifecycle.bpmn from the dossier's own state changes. The domain change is the
 * source of truth (it commits first); the process follows through messages published after commit, so a
 * missing engine never blocks filing work. The engine is looked up lazily (no Nest import cycle).
 */
@Injectable()
export class LifecycleBridge {
  private readonly logger = new Logger('DossierLifecycle');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly tx: TransactionService,
  ) {}

  engine(): WorkflowEngine | null {
    try {
      return this.moduleRef.get(WorkflowEngine, { strict: false });
    } catch {
      return null;
    }
  }

  opened(d: DossierEntity): void {
    this.tx.afterCommit(async () => {
      const engine = this.engine();
      if (!engine) return;
      try {
        const { id } = await engine.start({
          processId: LIFECYCLE_PROCESS_ID,
          businessKey: d.id,
          variables: { dossierId: d.id, agencyId: d.agencyId, code: d.code },
          startedBy: d.creatorId,
          // the server binds the dossier and its agency: the lifecycle's workers act on it alone
          agencyId: d.agencyId,
          object: { type: 'dossier', id: d.id },
        });
        await this.tx.run((m) => m.update(DossierEntity, { id: d.id }, { processInstanceId: id }));
      } catch (e) {
        this.logger.warn(`lifecycle of ${d.code} not started: ${(e as Error).message}`);
      }
    });
  }

  publish(message: LifecycleMessage, dossierId: string, variables: Record<string, unknown> = {}): void {
    this.tx.afterCommit(async () => {
      const engine = this.engine();
      if (!engine) return;
      try {
        await engine.publishMessage(message, dossierId, variables);
      } catch (e) {
        this.logger.warn(`${message} for ${dossierId} not delivered: ${(e as Error).message}`);
      }
    });
  }
}
