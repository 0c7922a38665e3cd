import type { DataSource } from 'typeorm';
import { foldVietnamese } from '../../src/common/vietnamese.js';
import type { BulkSession } from './bulk-insert.js';
import { personName, subjectLine, type Rng } from './rng.js';

export interface SeedUser {
  id: string;
  username: string;
  role: string;
  unitId: string;
  fullName: string;
}
export interface SeedAgency {
  id: string;
  abbreviation: string;
  name: string;
  unitIds: string[];
  users: SeedUser[];
  weight: number;
}

const TYPES = [
  ['CV', 'Công văn'],
  ['QĐ', 'Quyết định'],
  ['TB', 'Thông báo'],
  ['KH', 'Kế hoạch'],
  ['BC', 'Báo cáo'],
  ['TTr', 'Tờ trình'],
  ['GM', 'Giấy mời'],
] as const;

/** Fast unique uuid-shaped ids: a kind prefix and a counter (v4 layout, so uuid validators accept them). */
function ids(prefix: number) {
  let n = 0;
  const p = prefix.toString(16).padStart(8, '0');
  return () => `${p}-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n)); // Decree 30/2020, appendix I §II.3

/**
 * Documents over three years (numbers gap-free per agency, register and year, in date order), their register
 * entries, readers, completed process instances with a short activity history, dossiers holding the filed
 * ones, and open tasks on current-year documents. Tables that do not exist yet are skipped.
 */
export async function seedDocuments(
  ds: DataSource,
  s: BulkSession,
  rng: Rng,
  agencies: SeedAgency[],
  opts: { documents: number; openTasks: number; now: Date },
): Promise<{ openTasks: number }> {
  const defs: { id: string; process_id: string; version: number }[] = await ds
    .query(`SELECT id, process_id, version FROM workflow_definition ORDER BY version DESC`)
    .catch(() => []);
  const defOf = (processId: string) => defs.find((d) => d.process_id === processId);
  const withInstances = s.has('workflow_instance') && !!defOf('outgoing-document') && !!defOf('incoming-document');
  if (!withInstances)
    console.log('seed:scale: outgoing/incoming processes not deployed: no process histories generated');
  const docId = ids(0xd0c);
  const entryId = ids(0xe47);
  const instId = ids(0x1e5);
  const actId = ids(0xac7);
  const dossierId = ids(0xd05);
  const itemId = ids(0x17e);
  const taskId = ids(0x7a5);
  const regId = ids(0x4e6);
  const totalWeight = agencies.reduce((a, x) => a + x.weight, 0);
  const year = opts.now.getUTCFullYear();
  const years = [year - 2, year - 1, year];
  const yearStart = (y: number) => Date.UTC(y, 0, 1);
  const yearEnd = (y: number) => (y === year ? opts.now.getTime() : Date.UTC(y + 1, 0, 1) - 1);
  const span = years.reduce((a, y) => a + (yearEnd(y) - yearStart(y)), 0);
  const recent: { id: string; agency: SeedAgency; subject: string; unitId: string }[] = [];
  let remaining = opts.documents;

  for (const [ai, agency] of agencies.entries()) {
    const share = ai === agencies.length - 1 ? remaining : Math.round((opts.documents * agency.weight) / totalWeight);
    remaining -= share;
    const leader = agency.users.find((u) => u.role === 'leader') ?? agency.users[0];
    const clerk = agency.users.find((u) => u.role === 'clerk') ?? agency.users[0];
    const staff = agency.users.filter((u) => u.role === 'staff');
    let left = share;
    for (const y of years) {
      const inYear = y === year ? left : Math.round((share * (yearEnd(y) - yearStart(y))) / span);
      left -= inYear;
      let dossier: { id: string; n: number; items: number } | undefined;
      let dossierNo = 0;
      for (const direction of ['outgoing', 'incoming'] as const) {
        const k = direction === 'outgoing' ? Math.floor(inYear / 2) : inYear - Math.floor(inYear / 2);
        if (!k) continue;
        const registerId = regId();
        await s.add('register', {
          id: registerId,
          agencyId: agency.id,
          direction,
          series: direction === 'outgoing' ? 'administrative' : 'incoming',
          year: y,
          name: direction === 'outgoing' ? `Sổ văn bản đi năm ${y}` : `Sổ văn bản đến năm ${y}`,
          lastNumber: k,
          createdAt: new Date(yearStart(y)),
        });
        const dates = Array.from({ length: k }, () => yearStart(y) + rng.next() * (yearEnd(y) - yearStart(y))).sort();
        for (let i = 0; i < k; i++) {
          const at = new Date(dates[i]);
          const id = docId();
          const [typeCode, typeName] = rng.pick(TYPES);
          const drafter = staff.length ? rng.pick(staff) : clerk;
          const subject = subjectLine(rng);
          const urgencyRank = rng.next() < 0.05 ? 1 : 0;
          const secret = rng.next() < 0.01;
          const filed = y < year || rng.next() < 0.5;
          const instanceId = withInstances ? instId() : null;
          const number = i + 1;
          const other = agencies[(ai + 1 + (i % 7)) % agencies.length];
          await s.add('document', {
            id,
            agencyId: agency.id,
            direction,
            status: direction === 'outgoing' ? (filed ? 'filed' : 'issued') : filed ? 'filed' : 'done',
            typeCode,
            typeName,
            subject,
            subjectFolded: foldVietnamese(subject),
            urgency: urgencyRank ? 'urgent' : null,
            urgencyRank,
            secrecy: secret ? 'confidential' : null,
            pageCount: rng.int(1, 12),
            number: direction === 'outgoing' ? two(number) : two(rng.int(1, 999)),
            notation: `${two(number)}/${typeCode}-${direction === 'outgoing' ? agency.abbreviation : other.abbreviation}`,
            documentDate: at,
            organName: direction === 'outgoing' ? agency.name : other.name,
            senderAgencyId: direction === 'incoming' ? other.id : null,
            drafterId: direction === 'outgoing' ? drafter.id : null,
            unitId: drafter.unitId,
            signerId: direction === 'outgoing' ? leader.id : null,
            signerName: direction === 'outgoing' ? leader.fullName : personName(rng),
            signerTitle: 'Giám đốc',
            registerId,
            registeredAt: at,
            arrivalNumber: direction === 'incoming' ? number : null,
            arrivalDate: direction === 'incoming' ? at : null,
            mainHandlerId: direction === 'incoming' ? drafter.id : null,
            processInstanceId: instanceId,
            signed: direction === 'outgoing',
            agencySigned: direction === 'outgoing',
            issuedAt: direction === 'outgoing' ? at : null,
            doneAt: at,
            createdBy: direction === 'outgoing' ? drafter.id : clerk.id,
            createdAt: at,
            updatedAt: at,
          });
          await s.add('register_entry', {
            id: entryId(),
            agencyId: agency.id,
            registerId,
            year: y,
            number,
            documentId: id,
            entryDate: at,
            columns: { notation: `${two(number)}/${typeCode}`, subject },
          });
          await s.add('document_reader', { documentId: id, userId: drafter.id, reason: 'drafter' });
          if (withInstances && instanceId) {
            const def = defOf(`${direction}-document`)!;
            await s.add('workflow_instance', {
              id: instanceId,
              definitionId: def.id,
              processId: def.process_id,
              version: def.version,
              businessKey: id,
              agencyId: agency.id,
              state: 'completed',
              runtime: { vars: { agencyId: agency.id, documentId: id }, locals: {} },
              startedAt: at,
              endedAt: at,
              startedBy: drafter.id,
            });
            for (const [seq, [elementId, elementType, name]] of [
              ['start', 'bpmn:StartEvent', 'Bắt đầu'],
              [
                direction === 'outgoing' ? 'draft' : 'register',
                'bpmn:UserTask',
                direction === 'outgoing' ? 'Soạn thảo' : 'Vào sổ',
              ],
              ['end', 'bpmn:EndEvent', 'Kết thúc'],
            ].entries())
              await s.add('workflow_activity', {
                id: actId(),
                instanceId,
                elementId,
                elementType,
                name,
                executionId: `${elementId}_${instanceId.slice(-12)}`,
                state: 'completed',
                startedAt: at,
                endedAt: at,
                by: seq === 1 ? drafter.id : null,
                seq,
              });
          }
          if (filed && s.has('dossier')) {
            if (!dossier || dossier.items >= 40) {
              dossier = { id: dossierId(), n: ++dossierNo, items: 0 };
              const title = `Hồ sơ ${typeName.toLowerCase()} năm ${y} số ${dossier.n}`;
              await s.add('dossier', {
                id: dossier.id,
                agencyId: agency.id,
                code: `${y}.${ai}.${dossier.n}`,
                year: y,
                notation: `${dossier.n}`,
                title,
                titleFolded: foldVietnamese(title),
                retentionYears: 10,
                creatorId: clerk.id,
                creatorName: clerk.fullName.slice(0, 30),
                responsibleUnitId: drafter.unitId,
                startDate: at,
                state: y < year ? 'closed' : 'open',
                closedAt: y < year ? new Date(yearEnd(y)) : null,
                createdAt: at,
                updatedAt: at,
              });
            }
            await s.add('dossier_item', {
              id: itemId(),
              dossierId: dossier.id,
              documentId: id,
              order: ++dossier.items,
              source: 'workflow',
              addedById: clerk.id,
              addedAt: at,
            });
          }
          if (y === year && direction === 'outgoing' && !secret && recent.length < opts.openTasks * 2)
            recent.push({ id, agency, subject, unitId: drafter.unitId });
        }
      }
    }
  }

  // open tasks: the inbox backlog of current-year documents, assigned round-robin to the agencies' users
  let openTasks = 0;
  if (s.has('task') && recent.length) {
    for (let i = 0; i < opts.openTasks; i++) {
      const doc = recent[i % recent.length];
      const assignee = doc.agency.users[i % doc.agency.users.length];
      const created = new Date(opts.now.getTime() - rng.int(1, 20) * 86_400_000);
      const due = new Date(created.getTime() + 7 * 86_400_000);
      await s.add('task', {
        id: taskId(),
        engineKey: `seed:${i}`,
        processInstanceId: `seed-backlog-${i}`,
        processId: 'outgoing-document',
        processVersion: 1,
        businessKey: doc.id,
        elementId: 'review',
        name: 'Xem xét dự thảo',
        agencyId: doc.agency.id,
        unitId: doc.unitId,
        assigneeId: assignee.id,
        candidateGroups: [],
        candidateUsers: [],
        dueAt: due,
        // as in a province that has been running: the deadline mails of this backlog went out when they fell due
        dueSoonNotifiedAt:
          due.getTime() - 86_400_000 <= opts.now.getTime() ? new Date(due.getTime() - 86_400_000) : null,
        overdueNotifiedAt: due.getTime() <= opts.now.getTime() ? due : null,
        state: 'open',
        subject: doc.subject,
        createdAt: created,
        updatedAt: created,
      });
      openTasks++;
    }
  }
  return { openTasks };
}
