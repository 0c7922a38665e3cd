import { Inject, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Periodic } from '../../common/periodic.js';
import { DocumentsModule, DocumentEvents } from '../documents/index.js';
import { SigningModule } from '../signing/index.js';
import './exchange.messages.js';
import { ExchangeController } from './exchange.controller.js';
import { ExchangeDecisions } from './exchange-decisions.service.js';
import { ExchangeDirectory } from './exchange-directory.service.js';
import { ExchangeOutbox } from './exchange-outbox.service.js';
import { ExchangeReceiver } from './exchange-receiver.service.js';
import { ExchangeSender } from './exchange-sender.service.js';
import { InstallationKey } from './installation-key.js';
import { PackageBuilder } from './package-builder.js';

/**
 * Inter-agency exchange as edXML (QCVN 102:2016): sending issued documents to agencies of other installations
 * through a durable outbox, receiving theirs as incoming documents, statuses both ways, recall / update / replace,
 * and the directory of peers. Adapters: `direct` (hoso to hoso) and `vxp` (the national axis).
 */
@Module({
  imports: [DocumentsModule, SigningModule],
  controllers: [ExchangeController],
  providers: [
    InstallationKey,
    ExchangeDirectory,
    PackageBuilder,
    ExchangeOutbox,
    ExchangeSender,
    ExchangeReceiver,
    ExchangeDecisions,
  ],
})
export class ExchangeModule implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ExchangeVxp');
  private readonly poller = new Periodic(() => this.pollVxp(), this.logger);

  constructor(
    private readonly events: DocumentEvents,
    private readonly directory: ExchangeDirectory,
    private readonly sender: ExchangeSender,
    private readonly receiver: ExchangeReceiver,
    private readonly decisions: ExchangeDecisions,
    private readonly outbox: ExchangeOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.setExternalCheck((m, ids) => this.directory.externalAgencies(m, ids));
    this.events.on(async (m, doc, action) => {
      if (action === 'issued') await this.sender.onIssued(m, doc.id);
      else await this.decisions.onDocumentEvent(m, doc, action);
    });
    if (this.config.exchange.vxp && this.config.backgroundWork !== false)
      this.poller.start(this.config.exchange.vxp.pollMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.poller.stop();
  }

  /** Fetches what the axis holds for us; each package is acknowledged done, or fail with the refusal. */
  async pollVxp(): Promise<number> {
    const gateway = this.outbox.gateways.vxp;
    if (!gateway?.poll || !gateway.acknowledge) return 0;
    let n = 0;
    for (const p of await gateway.poll()) {
      try {
        await this.receiver.accept(p.bytes, { via: 'vxp' });
        await gateway.acknowledge(p.remoteId, 'done', '');
        n++;
      } catch (e) {
        const err = e as { code?: string; message: string };
        await gateway.acknowledge(p.remoteId, 'fail', `${err.code ?? ''} ${err.message}`.trim().slice(0, 500));
      }
    }
    return n;
  }
}
