import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type DocumentEventListener = (
  m: EntityManager,
  doc: { id: string; agencyId: string },
  action: string,
  data: Record<string, unknown> | null,
) => Promise<void>;

/**
 * What happens to documents, told to other modules inside the transaction of the change (the exchange module
 * queues its status packages there, so a status is never lost nor sent for a change that rolled back), and the
 * one question internal issuance asks them: which recipient agencies live in another installation.
 */
@Injectable()
export class DocumentEvents {
  private readonly listeners: DocumentEventListener[] = [];
  private externalCheck: (m: EntityManager, agencyIds: string[]) => Promise<Set<string>> = async () => new Set();

  on(listener: DocumentEventListener): void {
    this.listeners.push(listener);
  }

  async emit(
    m: EntityManager,
    doc: { id: string; agencyId: string },
    action: string,
    data: Record<string, unknown> | null,
  ) {
    for (const l of this.listeners) await l(m, doc, action, data);
  }

  setExternalCheck(check: (m: EntityManager, agencyIds: string[]) => Promise<Set<string>>): void {
    this.externalCheck = check;
  }

  /** Recipient agencies delivered through the exchange instead of internally. */
  external(m: EntityManager, agencyIds: string[]): Promise<Set<string>> {
    return agencyIds.length ? this.externalCheck(m, agencyIds) : Promise.resolve(new Set());
  }
}
