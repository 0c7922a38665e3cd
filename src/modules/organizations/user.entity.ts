import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, TimestampColumn } from '../../database/columns.js';

export const ROLES = [
  'admin',
  'process-admin',
  'leader',
  'deputy-leader',
  'unit-head',
  'clerk',
  'staff',
  'archivist',
] as const;
export type Role = (typeof ROLES)[number];

@Entity('user')
@Index(['agencyId'])
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ type: 'varchar', length: 100 })
  fullName: string;

  /** Position / title (chức vụ), e.g. "Chủ tịch", "Chuyên viên". */
  @Column({ type: 'varchar', length: 100, default: '' })
  title: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  email: string | null;

  @IdColumn()
  agencyId: string;

  @IdColumn({ nullable: true })
  unitId: string | null;

  @Column({ type: 'varchar', length: 200 })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Bumped on password change: every token issued before is refused. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ type: 'varchar', length: 5, default: 'vi' })
  language: string;

  @TimestampColumn()
  createdAt: Date;
}

/** A role held in an agency, optionally limited to one unit (unit-head of VP, staff of TCCB). */
@Entity('role_assignment')
@Index(['userId'])
@Index(['agencyId', 'role'])
export class RoleAssignmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @IdColumn()
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @IdColumn()
  agencyId: string;

  @IdColumn({ nullable: true })
  unitId: string | null;

  /** Admins of a parent agency may manage its descendants (a province onboarding its communes). */
  @Column({ type: 'boolean', default: false })
  includeDescendants: boolean;
}
